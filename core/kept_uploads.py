"""Files kept across a form's mistakes. Browsers empty a file input whenever the page comes back with an
error, so a public form that refuses a post for a missing e-mail address would lose the report that came
with it. `KeepsUploads` keeps each file that passed its own checks (a `KeptUpload`, in private storage,
named by an unguessable token the page carries in a hidden input), shows it as "report.pdf, kept", and
reads it back when the form is sent again without a new file. What nobody sends again is deleted by
`manage.py prune_kept_uploads` (run it hourly) once `KEPT_UPLOAD_HOURS` have passed.
"""

import datetime
import re
import secrets
from pathlib import PurePath

from django import forms
from django.conf import settings
from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext_lazy as _

from core.models import KeptUpload

KEPT_SUFFIX = "_kept"
TOKEN = re.compile(r"[A-Za-z0-9_-]{43}")  # secrets.token_urlsafe(32); nothing else reaches the database
DROP_SUFFIX = "_drop"


def kept_hours() -> int:
    return getattr(settings, "KEPT_UPLOAD_HOURS", 24)


def _fresh():
    return KeptUpload.objects.filter(created_at__gte=timezone.now() - datetime.timedelta(hours=kept_hours()))


class KeepsUploads:
    """A form mixin: each FileField gets a hidden `<name>_kept` (the token of its kept file) and a box
    `<name>_drop` to send the form without it. Call `keep_uploads()` when the form is refused and
    `forget_kept()` once what it sent is saved."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kept: dict[str, KeptUpload] = {}
        for name in self._file_fields():
            # Any value is accepted and only a fresh token counts: the field itself never has an error.
            self.fields[name + KEPT_SUFFIX] = forms.Field(required=False, widget=forms.HiddenInput)
            self.fields[name + DROP_SUFFIX] = forms.BooleanField(
                label=_("Send the form without this file"), required=False
            )
        if self.is_bound:
            self._read_kept()

    def _file_fields(self) -> list[str]:
        return [name for name, field in self.fields.items() if isinstance(field, forms.FileField)]

    def _read_kept(self) -> None:
        """A kept file stands in for a field left empty, unless the person asked to drop it."""
        files = MultiValueDict(self.files.lists()) if self.files else MultiValueDict()
        for name in self._file_fields():
            token = str(self.data.get(self.add_prefix(name + KEPT_SUFFIX), ""))
            if not TOKEN.fullmatch(token) or files.get(self.add_prefix(name)):
                continue
            kept = _fresh().filter(token=token).first()
            if kept is None:
                continue
            if self.data.get(self.add_prefix(name + DROP_SUFFIX)):
                self._delete([kept])
                continue
            with kept.file.open("rb") as handle:
                files[self.add_prefix(name)] = ContentFile(handle.read(), name=kept.name)
            self.kept[name] = kept
        self.files = files

    def keep_uploads(self) -> None:
        """After a refused post: keep every file that passed its own checks, for the page to carry."""
        for name in self._file_fields():
            upload = self.cleaned_data.get(name) if hasattr(self, "cleaned_data") else None
            if not upload or self.has_error(name) or name in self.kept:
                continue
            upload.seek(0)
            original = PurePath(upload.name).name[:200]
            kept = KeptUpload(token=secrets.token_urlsafe(32), name=original)
            kept.file.save(original, upload, save=True)
            self.kept[name] = kept
        for name, kept in self.kept.items():
            # The page carries the token, whatever the posted value was.
            self.data = self.data.copy()
            self.data[self.add_prefix(name + KEPT_SUFFIX)] = kept.token

    def forget_kept(self) -> None:
        """Once the form's data is saved (the file copied where it belongs), its kept files go."""
        self._delete(list(self.kept.values()))
        self.kept = {}

    @staticmethod
    def _delete(kept_uploads: list[KeptUpload]) -> None:
        for kept in kept_uploads:
            kept.file.delete(save=False)
            kept.delete()


def prune(now: datetime.datetime | None = None) -> int:
    """Delete the kept files older than KEPT_UPLOAD_HOURS, with their rows. Returns how many."""
    cutoff = (now or timezone.now()) - datetime.timedelta(hours=kept_hours())
    old = list(KeptUpload.objects.filter(created_at__lt=cutoff))
    KeepsUploads._delete(old)
    return len(old)
