"""One embedded font per face in the merged book, instead of one per chunk.

Every chunk PDF embeds its own subset of each Noto CJK face. WeasyPrint
subsets with HarfBuzz keeping the original glyph ids, so a single subset
holding the union of the glyphs serves all chunks unchanged (content streams
and /W widths refer to original glyph ids). Per chunk that skeleton costs
0.1-0.4 MB per face; a 300-case book would carry tens of MB of duplicates.

The merger calls ``union_font(embedded, glyph_ids)``: it reads the PostScript
name from the embedded subset, finds the system font with fontconfig, and
re-subsets it with HarfBuzz using WeasyPrint's own flags. Any failure returns
None and the merger keeps the per-chunk fonts (correct, only larger).
"""
from __future__ import annotations

import io
import subprocess
from functools import lru_cache

from cffi import FFI

_ffi = FFI()
_ffi.cdef("""
typedef struct hb_blob_t hb_blob_t;
typedef struct hb_face_t hb_face_t;
typedef struct hb_set_t hb_set_t;
typedef struct hb_subset_input_t hb_subset_input_t;
hb_blob_t *hb_blob_create_from_file_or_fail(const char *file_name);
void hb_blob_destroy(hb_blob_t *blob);
const char *hb_blob_get_data(hb_blob_t *blob, unsigned int *length);
hb_face_t *hb_face_create(hb_blob_t *blob, unsigned int index);
void hb_face_destroy(hb_face_t *face);
hb_blob_t *hb_face_reference_blob(hb_face_t *face);
void hb_set_add(hb_set_t *set, uint32_t codepoint);
uint32_t hb_tag_from_string(const char *str, int len);
hb_subset_input_t *hb_subset_input_create_or_fail(void);
void hb_subset_input_destroy(hb_subset_input_t *input);
hb_set_t *hb_subset_input_glyph_set(hb_subset_input_t *input);
hb_set_t *hb_subset_input_set(hb_subset_input_t *input, int set_type);
void hb_subset_input_set_flags(hb_subset_input_t *input, unsigned value);
hb_face_t *hb_subset_or_fail(hb_face_t *source, const hb_subset_input_t *input);
""")

# Same choices as weasyprint.pdf.fonts.Font._harfbuzz_subset (hb-subset.h values).
_RETAIN_GIDS, _DESUBROUTINIZE, _PASSTHROUGH_UNRECOGNIZED = 0x2, 0x4, 0x20
_SETS_DROP_TABLE_TAG = 3
_DROPPED_TABLES = (b"BASE", b"DSIG", b"EBDT", b"EBLC", b"EBSC", b"GPOS", b"GSUB",
                   b"JSTF", b"LTSH", b"PCLT", b"SVG ")


@lru_cache(maxsize=1)
def _libraries():
    try:
        return _ffi.dlopen("libharfbuzz.so.0"), _ffi.dlopen("libharfbuzz-subset.so.0")
    except OSError:
        return None


@lru_cache(maxsize=1)
def _system_fonts() -> dict[str, tuple[str, int]]:
    """PostScript name -> (file, face index) of every font fontconfig knows."""
    try:
        listing = subprocess.run(
            ["fc-list", "--format", "%{postscriptname}\t%{file}\t%{index}\n"],
            capture_output=True, text=True, timeout=20, check=True).stdout
    except (OSError, subprocess.SubprocessError):
        return {}
    fonts = {}
    for line in listing.splitlines():
        parts = line.split("\t")
        if len(parts) == 3 and parts[2].isdigit():
            fonts.setdefault(parts[0], (parts[1], int(parts[2])))
    return fonts


def postscript_name(font_data: bytes) -> str | None:
    """The PostScript name (name id 6) of an OpenType font, or None."""
    from fontTools.ttLib import TTFont
    try:
        name = TTFont(io.BytesIO(font_data), lazy=True)["name"].getDebugName(6)
    except Exception:  # any malformed font: just do not merge it
        return None
    return name


def cid_widths(widths) -> dict[int, float]:
    """Glyph id -> width from a CIDFont /W array ([c [w ...]] and [c_first c_last w] forms)."""
    table, position, items = {}, 0, list(widths)
    while position < len(items):
        first, following = int(items[position]), items[position + 1]
        if isinstance(following, list):
            table.update({first + i: float(width) for i, width in enumerate(following)})
            position += 2
        else:
            width = float(items[position + 2])
            table.update({glyph: width for glyph in range(first, int(following) + 1)})
            position += 3
    return table


def union_font(embedded: bytes, glyph_ids: set[int]) -> bytes | None:
    """A subset of the system font behind `embedded` holding `glyph_ids` (ids kept), or None."""
    libraries = _libraries()
    name = postscript_name(embedded)
    source = _system_fonts().get(name) if name else None
    if libraries is None or source is None:
        return None
    harfbuzz, subset = libraries
    blob = harfbuzz.hb_blob_create_from_file_or_fail(source[0].encode())
    if blob == _ffi.NULL:
        return None
    face = harfbuzz.hb_face_create(blob, source[1])
    request = subset.hb_subset_input_create_or_fail()
    result_face = _ffi.NULL
    try:
        glyphs = subset.hb_subset_input_glyph_set(request)
        for glyph_id in sorted(glyph_ids):
            harfbuzz.hb_set_add(glyphs, glyph_id)
        dropped = subset.hb_subset_input_set(request, _SETS_DROP_TABLE_TAG)
        for tag in _DROPPED_TABLES:
            harfbuzz.hb_set_add(dropped, harfbuzz.hb_tag_from_string(tag, -1))
        subset.hb_subset_input_set_flags(
            request, _RETAIN_GIDS | _PASSTHROUGH_UNRECOGNIZED | _DESUBROUTINIZE)
        result_face = subset.hb_subset_or_fail(face, request)
        if result_face == _ffi.NULL:
            return None
        result_blob = harfbuzz.hb_face_reference_blob(result_face)
        length = _ffi.new("unsigned int *")
        data = harfbuzz.hb_blob_get_data(result_blob, length)
        font = bytes(_ffi.buffer(data, length[0]))
        harfbuzz.hb_blob_destroy(result_blob)
    finally:
        if result_face != _ffi.NULL:
            harfbuzz.hb_face_destroy(result_face)
        subset.hb_subset_input_destroy(request)
        harfbuzz.hb_face_destroy(face)
        harfbuzz.hb_blob_destroy(blob)
    # Sanity check: the union must be the same face as what it replaces.
    return font if postscript_name(font) == name else None
