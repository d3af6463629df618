"""What a client's string may hold: tab, newline and carriage return, but no other control
character (Unicode Cc: U+0000-U+001F, U+007F-U+009F). The GraphQL edge (api.inputs) and the
login view (accounts.views) refuse the rest."""

import re

CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
