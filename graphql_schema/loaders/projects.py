from collections.abc import Sequence

from projects.models import Project

from .base import SyncBatchLoader


class ProjectByIdLoader(SyncBatchLoader[int, Project | None]):
    def load_batch(self, keys: Sequence[int]) -> dict[int, Project]:
        return Project.objects.in_bulk(keys)
