from collections.abc import Sequence

from projects.models import Project

from .base import TIMESTAMPS, SyncBatchLoader


class ProjectByIdLoader(SyncBatchLoader[int, Project | None]):
    def load_batch(self, keys: Sequence[int]) -> dict[int, Project]:
        return Project.objects.defer(*TIMESTAMPS).in_bulk(keys)
