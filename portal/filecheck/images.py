"""Checking an uploaded JPEG or PNG and storing only its pixels.

The image's size is read from its header and refused past :data:`MAX_PIXELS` before any pixel is
decoded (a small file can announce a gigapixel image: a decompression bomb; Pillow's own
``DecompressionBombError`` is refused too).  The image is then decoded and encoded again in its own
type: the EXIF block (GPS position, camera, owner), XMP, comments and text chunks are left behind,
the EXIF orientation is applied to the pixels first so the picture stays the right way up, and
the colour profile is kept.  What is stored is the re-encoded file.
"""

import io
import warnings

from django.utils.translation import gettext as _

from .errors import UploadRejected, refused
from .signatures import JPEG, PNG

#: 50 megapixels: a phone's largest photo, an A4 page scanned at 600 dpi (35 MP).
MAX_PIXELS = 50_000_000


def clean_image(data: bytes, name: str, kind: str) -> bytes:
    """The image re-encoded without its metadata, or :class:`UploadRejected`."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    damaged = _("%(name)s is damaged and cannot be opened as an image.") % {"name": name}
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=["JPEG" if kind == JPEG else "PNG"]) as image:
                width, height = image.size
                if width * height > MAX_PIXELS:
                    raise UploadRejected(_too_large(name, width, height))
                image.load()
                return _encode(ImageOps.exif_transpose(image), image, kind)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise UploadRejected(refused(name, _("it is too large in pixels to open safely (an image bomb)"))) from None
    except UploadRejected:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError, MemoryError):
        raise UploadRejected(damaged) from None


def _too_large(name, width, height):
    return refused(name, _("it is %(width)d × %(height)d pixels; at most %(limit)d megapixels are accepted") % {
        "width": width, "height": height, "limit": MAX_PIXELS // 1_000_000})


def _encode(pixels, original, kind) -> bytes:
    """``pixels`` saved again as ``kind`` with nothing of ``original``'s metadata but its colour profile."""
    from PIL import JpegImagePlugin

    clean = pixels.copy()
    clean.info = {}
    options = {}
    if original.info.get("icc_profile"):
        options["icc_profile"] = original.info["icc_profile"]
    out = io.BytesIO()
    if kind == PNG:
        if "transparency" in original.info and clean.mode in ("P", "L", "RGB", "1"):
            options["transparency"] = original.info["transparency"]
        clean.save(out, format="PNG", optimize=False, **options)
        return out.getvalue()
    if clean.mode not in ("L", "RGB", "CMYK"):
        clean = clean.convert("RGB")
    quantization = getattr(original, "quantization", None)
    if quantization:
        options["qtables"] = quantization  # the original's quality, not a new loss
    if original.getexif().get(0x0112, 1) == 1:  # not turned: the original's chroma subsampling fits
        try:
            options["subsampling"] = JpegImagePlugin.get_sampling(original)
        except (AttributeError, TypeError):
            pass
    if options.get("subsampling", 0) == -1:
        del options["subsampling"]
    clean.save(out, format="JPEG", **options)
    return out.getvalue()
