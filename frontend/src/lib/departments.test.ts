import { expect, it } from "vitest";

import { departmentOptions } from "./departments";

it("lists parents before their children, indented", () => {
  const options = departmentOptions([
    { id: "3", name: "Web", parent: { id: "1" } },
    { id: "1", name: "Engineering", parent: null },
    { id: "2", name: "Design", parent: null },
    { id: "4", name: "API", parent: { id: "1" } },
  ]);
  expect(options.map((o) => [o.id, o.depth])).toEqual([
    ["2", 0],
    ["1", 0],
    ["4", 1],
    ["3", 1],
  ]);
  expect(options[2]!.label).toBe("\u00a0\u00a0API");
});
