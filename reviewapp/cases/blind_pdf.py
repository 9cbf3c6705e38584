"""Blind copy of a PDF: the pages stay, everything that names the author or carries hidden payload goes.

qpdf (through pikepdf) rewrites the file from its object graph and writes only
objects still reachable from the trailer, so removing a reference also drops
the old object, including copies left behind by earlier incremental saves.

Form fields are flattened: their appearance becomes page content (read and
searched like any page text) and the field names, tooltips and values go.
Comments lose their author, subject and rich text; layers (optional content)
are renamed Layer 1, 2...; page labels, page thumbnails and structure alt text
and titles go; a JPEG placed in the PDF keeps its image data only, up to its end
marker (a second image appended after it, with its own GPS and names, is cut off).
"""

import io
import zlib

import pikepdf
from pikepdf import Name

from .blind_photo import strip_jpeg_metadata
from .ooxml import ContentProblem

# Keys removed wherever they appear: metadata streams, attachments, page-piece data, actions.
_REMOVED_EVERYWHERE = (Name.Metadata, Name.PieceInfo, Name.AF, Name.AA, Name.LastModified)
_REMOVED_FROM_CATALOG = (
    Name.OpenAction,
    Name.PageLabels,  # "第1页 北京市…" prefixes shown in the viewer's page box
    Name.Threads,  # article threads carry their own info dictionary with /Author
    Name.SpiderInfo,
    Name.Perms,
    Name.Collection,  # portfolio view of embedded files
)
_REMOVED_NAME_TREES = (Name.EmbeddedFiles, Name.JavaScript, Name.AlternatePresentations)
_PAYLOAD_ANNOTATIONS = {"/FileAttachment", "/Sound", "/Movie", "/Screen", "/RichMedia", "/3D"}
_DANGEROUS_ACTIONS = {
    "/JavaScript", "/Launch", "/ImportData", "/SubmitForm", "/GoToE", "/Rendition", "/RichMediaExecute",
}  # fmt: skip
# On markup annotations /T is the author, /Subj its subject, /RC its rich text, /Contents the
# comment itself (the drawn appearance stays). Form fields are flattened before this.
_ANNOTATION_IDENTITY_KEYS = (Name.T, Name.NM, Name.Subj, Name.RC, Name.Contents, Name.CreationDate, Name.M)
# Keys of form fields that name or fill them; gone once the form is flattened.
_FIELD_KEYS = (Name.T, Name.TU, Name.TM, Name.V, Name.DV, Name.RV)


class PdfBlindingFailed(ContentProblem):
    """The PDF could not be blinded or the result did not check out."""

    def __init__(self, detail: str):
        super().__init__("pdf_blind_failed", detail)


def blind_pdf(data: bytes) -> bytes:
    """Return a copy of the PDF without author metadata, attachments, scripts or annotation authors.

    The result is checked: it must open and have the same number of pages.
    """
    try:
        with pikepdf.open(io.BytesIO(data)) as pdf:
            page_count = len(pdf.pages)
            _strip_document(pdf)
            output = io.BytesIO()
            pdf.save(
                output,
                encryption=False,
                fix_metadata_version=False,
                preserve_pdfa=False,
                # Keep streams as they are: no inflating of a compressed stream we do not need to read.
                stream_decode_level=pikepdf.StreamDecodeLevel.none,
                object_stream_mode=pikepdf.ObjectStreamMode.generate,
                # A new /ID from the content: the original could link this copy to other copies of the file.
                deterministic_id=True,
            )
    except PdfBlindingFailed:
        raise
    except Exception as error:  # pikepdf raises PdfError and, on broken trees, others.
        raise PdfBlindingFailed(f"{type(error).__name__}: {error}") from error
    result = output.getvalue()
    _check_result(result, page_count)
    return result


def _strip_document(pdf: pikepdf.Pdf) -> None:
    # qpdf keeps the first /ID string (the permanent one) unless the old /ID is gone.
    for key in (Name.Info, Name.ID):
        if key in pdf.trailer:
            del pdf.trailer[key]
    root = pdf.Root
    for key in _REMOVED_FROM_CATALOG:
        if key in root:
            del root[key]
    if Name.Names in root:
        names = root.Names
        for key in _REMOVED_NAME_TREES:
            if key in names:
                del names[key]
    form = root.get(Name.AcroForm)
    if isinstance(form, pikepdf.Dictionary) and Name.XFA in form:
        del form[Name.XFA]  # XML forms carry their own metadata and scripts
    if isinstance(form, pikepdf.Dictionary):
        _flatten_form(pdf)
    _rename_layers(root)
    for page in pdf.pages:
        _strip_annotations(page.obj)
        if Name.Thumb in page.obj:
            del page.obj[Name.Thumb]
    for obj in pdf.objects:
        _walk_direct(obj)


def _flatten_form(pdf: pikepdf.Pdf) -> None:
    """Draw every form field into its page and drop the form: values stay visible as page
    content, while field names (申报单位_…), tooltips and stored values go."""
    try:
        pdf.generate_appearance_streams()  # fields that rely on the viewer to draw them
    except Exception:  # noqa: BLE001 - an odd font: flatten what has an appearance
        pass
    pdf.flatten_annotations("all")
    if Name.AcroForm in pdf.Root:  # qpdf drops it once no field is left
        del pdf.Root[Name.AcroForm]
    for page in pdf.pages:
        annotations = page.obj.get(Name.Annots)
        if isinstance(annotations, pikepdf.Array):
            page.obj.Annots = pikepdf.Array([a for a in annotations if not (
                isinstance(a, pikepdf.Dictionary) and a.get(Name.Subtype) == Name.Widget)])


def _rename_layers(root: pikepdf.Dictionary) -> None:
    """Optional-content groups (layers) are listed by name in viewers: call them Layer 1, 2..."""
    properties = root.get(Name.OCProperties)
    if not isinstance(properties, pikepdf.Dictionary):
        return
    groups = properties.get(Name.OCGs)
    for number, group in enumerate(groups if isinstance(groups, pikepdf.Array) else [], start=1):
        if isinstance(group, pikepdf.Dictionary):
            group.Name = pikepdf.String(f"Layer {number}")
            if Name.Usage in group:
                del group[Name.Usage]  # /Creator, /User names
    configs = [properties.get(Name.D)] + list(properties.get(Name.Configs) or [])
    for config in configs:
        if isinstance(config, pikepdf.Dictionary):
            for key in (Name.Name, Name.Creator):
                if key in config:
                    del config[key]
            if isinstance(config.get(Name.Order), pikepdf.Array):
                config.Order = _without_labels(config.Order)


def _without_labels(order: pikepdf.Array) -> pikepdf.Array:
    """A layer Order array without its label strings (nested arrays may start with one)."""
    kept = pikepdf.Array()
    for item in order:
        if isinstance(item, pikepdf.String):
            continue
        kept.append(_without_labels(item) if isinstance(item, pikepdf.Array) else item)
    return kept


def _walk_direct(obj: pikepdf.Object) -> None:
    """Strip ``obj`` and the dictionaries nested directly inside it; indirect ones are visited on their own."""
    if isinstance(obj, (pikepdf.Dictionary, pikepdf.Stream)):
        _strip_object(obj)
        children = [obj[key] for key in list(obj.keys()) if key in obj]
    elif isinstance(obj, pikepdf.Array):
        children = list(obj)
    else:
        return
    for child in children:
        if isinstance(child, (pikepdf.Dictionary, pikepdf.Array)) and not child.is_indirect:
            _walk_direct(child)


def _strip_annotations(page: pikepdf.Dictionary) -> None:
    annotations = page.get(Name.Annots)
    if not isinstance(annotations, pikepdf.Array):
        return
    kept = pikepdf.Array()
    for annotation in annotations:
        is_dictionary = isinstance(annotation, pikepdf.Dictionary)
        # Payload, and pop-ups: they only show their comment's (now removed) text.
        if is_dictionary and str(annotation.get(Name.Subtype, "")) in _PAYLOAD_ANNOTATIONS | {"/Popup"}:
            continue
        if is_dictionary and Name.Popup in annotation:
            del annotation[Name.Popup]
        kept.append(annotation)
    page.Annots = kept


def _is_markup_annotation(obj: pikepdf.Object) -> bool:
    subtype = obj.get(Name.Subtype)
    is_annotation = subtype is not None and (obj.get(Name.Type) == Name.Annot or Name.Rect in obj)
    return is_annotation and subtype != Name.Widget and Name.FT not in obj


def _strip_object(obj: pikepdf.Object) -> None:
    for key in _REMOVED_EVERYWHERE:
        if key in obj:
            del obj[key]
    if _is_markup_annotation(obj):
        for key in _ANNOTATION_IDENTITY_KEYS:
            if key in obj:
                del obj[key]
    if Name.FT in obj or (Name.Kids in obj and Name.T in obj):  # a field the flattening left
        for key in _FIELD_KEYS:
            if key in obj:
                del obj[key]
    if Name.S in obj and Name.P in obj and obj.get(Name.Type, Name.StructElem) == Name.StructElem:
        for key in (Name.Alt, Name.T, Name.E):  # structure alt text, title, expansion
            if key in obj:
                del obj[key]
    action = obj.get(Name.A)
    if isinstance(action, pikepdf.Dictionary) and str(action.get(Name.S, "")) in _DANGEROUS_ACTIONS:
        del obj[Name.A]
    if str(obj.get(Name.S, "")) in _DANGEROUS_ACTIONS:
        # An action reachable from elsewhere (outlines, /Next chains): neutralise it in place.
        for key in list(obj.keys()):
            if key != "/Type":
                del obj[key]
        obj[Name.S] = Name.GoTo
        obj[Name.D] = pikepdf.Array()
    if isinstance(obj, pikepdf.Stream) and obj.get(Name.Subtype) == Name.Image:
        _strip_embedded_jpeg(obj)
    if obj.get(Name.Type) == Name.Filespec or Name.EF in obj:
        for key in (Name.EF, Name.RF, Name.Desc, Name.UF, Name.F, Name.DOS, Name.Mac, Name.Unix):
            if key in obj:
                del obj[key]


def _strip_embedded_jpeg(image: pikepdf.Stream) -> None:
    """Photos placed in a PDF keep their camera EXIF (GPS, owner) inside the JPEG stream; a JPEG 2000
    image carries XML, UUID and comment boxes, so it is re-encoded from its pixels (losslessly, Flate)."""
    filters = image.get(Name.Filter)
    if isinstance(filters, pikepdf.Array):
        filters = filters[0] if len(filters) == 1 else None
    if filters == Name.JPXDecode:
        _reencode_jpx(image)
        return
    if filters != Name.DCTDecode:
        return
    raw = image.read_raw_bytes()
    stripped = strip_jpeg_metadata(raw)
    if stripped != raw:
        image.write(stripped, filter=Name.DCTDecode, decode_parms=image.get(Name.DecodeParms))


def _reencode_jpx(image: pikepdf.Stream) -> None:
    try:
        pixels = pikepdf.PdfImage(image).as_pil_image()
    except Exception as error:  # noqa: BLE001 - an image we cannot read is one we cannot clean
        raise PdfBlindingFailed(f"JPEG 2000 image: {type(error).__name__}: {error}") from error
    # Transparency kept inside the JPEG 2000 stream (SMaskInData) is dropped: the picture stays, on white.
    pixels = pixels.convert("L" if pixels.mode in ("1", "L", "LA", "I", "I;16") else "RGB")
    image.write(zlib.compress(pixels.tobytes()), filter=Name.FlateDecode)
    for key in (Name.SMaskInData, Name.Decode, Name.DecodeParms, Name.Metadata):
        if key in image:
            del image[key]
    image.ColorSpace = Name.DeviceGray if pixels.mode == "L" else Name.DeviceRGB
    image.BitsPerComponent = 8
    image.Width, image.Height = pixels.width, pixels.height


def _check_result(result: bytes, page_count: int) -> None:
    try:
        with pikepdf.open(io.BytesIO(result)) as pdf:
            if len(pdf.pages) != page_count:
                raise PdfBlindingFailed(f"page count changed from {page_count} to {len(pdf.pages)}")
            if Name.Info in pdf.trailer or Name.Metadata in pdf.Root:
                raise PdfBlindingFailed("metadata survived")
    except PdfBlindingFailed:
        raise
    except Exception as error:
        raise PdfBlindingFailed(f"result does not open: {type(error).__name__}: {error}") from error
