"""What uploaded files are served as. The file's own claim is never trusted: the type comes from its name,
and only from a list of types a browser does not run."""

import mimetypes

SAFE_CONTENT_TYPES = {
    "application/pdf",
    "application/epub+zip",
    "application/zip",
    "application/msword",
    "application/vnd.ms-excel",
    "application/vnd.ms-powerpoint",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "application/vnd.oasis.opendocument.text",
    "application/vnd.oasis.opendocument.spreadsheet",
    "application/vnd.oasis.opendocument.presentation",
    "text/csv",
    "text/plain",
    "image/png",
    "image/jpeg",
    "image/gif",
    "image/webp",
    "audio/mpeg",
    "video/mp4",
}
# HTML, SVG, XML, JavaScript and anything unknown: plain bytes.
FALLBACK_CONTENT_TYPE = "application/octet-stream"


def download_content_type(file_name: str) -> str:
    guessed, _encoding = mimetypes.guess_type(file_name, strict=False)
    return guessed if guessed in SAFE_CONTENT_TYPES else FALLBACK_CONTENT_TYPE
