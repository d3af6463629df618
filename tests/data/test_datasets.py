"""The datasets the tests, benchmarks and docs use are in the repository, and each is exactly
what the project's own generator writes for the arguments recorded beside it."""

import importlib.util

import pytest

from tests.conftest import DATASETS, REPO


def _generator():
    spec = importlib.util.spec_from_file_location("capgraph_generate", DATASETS / "generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


GENERATOR = _generator()


@pytest.mark.parametrize("name", sorted(GENERATOR.SHIPPED))
def test_committed_dataset_is_what_the_generator_writes(name):
    committed = (DATASETS / name).read_text()
    assert committed == GENERATOR.render(GENERATOR.SHIPPED[name]), (
        f"datasets/{name} differs from the generator's output: run "
        "`python datasets/generate.py --shipped` and commit the result"
    )


def test_every_committed_dataset_has_its_arguments_recorded():
    assert sorted(p.name for p in DATASETS.glob("*.json")) == sorted(GENERATOR.SHIPPED)


def test_the_generator_is_deterministic_and_sized_by_its_arguments():
    text = GENERATOR.render(["--people", "7", "--weeks", "3", "--seed", "1"])
    assert text == GENERATOR.render(["--people", "7", "--weeks", "3", "--seed", "1"])
    import json

    data = json.loads(text)
    assert (data["format"], len(data["people"]), data["weeks"]) == ("capgraph-dataset/1", 7, 3)


# How a path outside the checkout gets spelled (the sibling folder's name is assembled, so
# that this file does not itself name it).
OUTSIDE = ("../" + "shared", '"shared" /', "parent.parent.parent")


def test_nothing_in_the_repository_reads_a_path_outside_it():
    """A fresh clone has no sibling folders: no code, make target or doc may point at one."""
    offenders = []
    for path in REPO.rglob("*"):
        parts = path.relative_to(REPO).parts
        if not path.is_file() or parts[0] in {".git", ".venv", "var"} or "node_modules" in parts:
            continue
        if path.suffix not in {".py", ".md", ".yml", ".yaml", ".toml", ".ts", ".tsx", ""}:
            continue
        if path.name == "test_datasets.py":
            continue
        text = path.read_text(errors="replace")
        for needle in OUTSIDE:
            if needle in text:
                offenders.append(f"{path.relative_to(REPO)}: {needle}")
    assert offenders == []
