"""The documents the demand tests send."""

PLACEHOLDER_FIELDS = """id name role { id name } department { id name }
  requiredSkills { skill { name } minProficiency }"""
CREATE_PLACEHOLDER = (
    "mutation($input: CreatePlaceholderInput!) { createPlaceholder(input: $input) "
    "{ placeholder { " + PLACEHOLDER_FIELDS + " } } }"
)
UPDATE_PLACEHOLDER = (
    "mutation($id: ID!, $input: UpdatePlaceholderInput!) { updatePlaceholder(id: $id, "
    "input: $input) { placeholder { " + PLACEHOLDER_FIELDS + " } } }"
)
DELETE_PLACEHOLDER = "mutation($id: ID!) { deletePlaceholder(id: $id) { id } }"
SET_REQUIRED = (
    "mutation($id: ID!, $skills: [RequiredSkillInput!]!) { setPlaceholderSkills("
    "placeholderId: $id, skills: $skills) { placeholder { " + PLACEHOLDER_FIELDS + " } } }"
)
BOOKING_FIELDS = """id version status isActive roleOnProject weeklyHours project { id }
  placeholder { id name }"""
CREATE_BOOKING = (
    "mutation($input: CreatePlaceholderAssignmentInput!) { createPlaceholderAssignment("
    "input: $input) { assignment { " + BOOKING_FIELDS + " } } }"
)
UPDATE_BOOKING = (
    "mutation($id: ID!, $input: UpdatePlaceholderAssignmentInput!) { "
    "updatePlaceholderAssignment(id: $id, input: $input) { assignment { "
    + BOOKING_FIELDS
    + " } } }"
)
DELETE_BOOKING = """mutation($id: ID!, $v: Int) { deletePlaceholderAssignment(id: $id,
  expectedVersion: $v) { id } }"""
BULK = """mutation($items: [AssignmentHoursInput!]!) { bulkUpdateAssignmentHours(items: $items) {
  assignments { id version }
  placeholderAssignments { id version placeholder { id } }
  bookings { __typename id version status weeklyHours } } }"""
PLACEHOLDER_HOURS = """query($id: ID!, $from: Date, $weeks: Int) { placeholder(id: $id) {
  hoursByWeek(from: $from, weeks: $weeks) { week hours confirmedHours tentativeHours } } }"""
PLACEHOLDERS_PAGE = """query($first: Int, $department: ID, $children: Boolean, $role: ID) {
  placeholders(first: $first, department: $department, includeChildren: $children,
    role: $role) {
    totalCount
    edges { node { id name role { name } department { name }
      requiredSkills { skill { name } minProficiency }
      assignments { id status project { name } hoursByWeek(from: "2026-11-02", weeks: 12) {
        week hours confirmedHours tentativeHours } }
      hoursByWeek(from: "2026-11-02", weeks: 12) { week hours tentativeHours } } } } }"""
