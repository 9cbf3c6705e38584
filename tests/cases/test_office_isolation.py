"""LibreOffice sees only the document: its outside links are removed, it runs without network or
the server's files, and where that isolation cannot be had previews are refused and say why."""
import io
import logging
import shutil
import socket
import subprocess
import threading
import zipfile

import pikepdf
import pytest
from PIL import Image
from pypdf import PdfReader

from reviewapp import create_app
from reviewapp.cases import office_sandbox, previews
from reviewapp.cases.blind import make_blind_copy
from reviewapp.cases.models import Evidence
from reviewapp.cases.office_links import outside_references, strip_external_links
from reviewapp.extensions import db
from reviewapp.jobs import Job, JobStatus
from tests.cases.test_evidence_routes import upload

W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
R = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
DRAWING = ('xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
           'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
           'xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture"')
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
PREVIEW_JOBS = db.select(Job).filter_by(function=previews.FUNCTION).order_by(Job.id)
WORD_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"


def linked_picture(relationship_id, number):
    return (f'<w:p><w:r><w:drawing><wp:inline><wp:extent cx="914400" cy="609600"/>'
            f'<wp:docPr id="{number}" name="picture {number}"/><a:graphic>'
            '<a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture"><pic:pic>'
            f'<pic:nvPicPr><pic:cNvPr id="{number}" name="picture {number}"/><pic:cNvPicPr/></pic:nvPicPr>'
            f'<pic:blipFill><a:blip r:link="{relationship_id}"/></pic:blipFill><pic:spPr><a:xfrm>'
            '<a:off x="0" y="0"/><a:ext cx="914400" cy="609600"/></a:xfrm><a:prstGeom prst="rect"/></pic:spPr>'
            '</pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing></w:r></w:p>')


def linking_docx(server_image, port):
    """Pictures linked to /etc/passwd, to an image on the server and to a local web address;
    INCLUDEPICTURE and INCLUDETEXT fields and a file:// hyperlink."""
    document = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document {W} {R} {DRAWING}><w:body>'
        '<w:p><w:r><w:t>Annual report of the volunteers.</w:t></w:r></w:p>'
        + linked_picture("rId5", 1) + linked_picture("rId6", 2) + linked_picture("rId8", 3)
        + '<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> '
        f'INCLUDEPICTURE "http://127.0.0.1:{port}/field.png" \\d </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>'
        '<w:p><w:fldSimple w:instr=\'INCLUDETEXT "file:///etc/passwd"\'>'
        '<w:r><w:t>[text]</w:t></w:r></w:fldSimple></w:p>'
        '<w:p><w:hyperlink r:id="rId7"><w:r><w:t>the list</w:t></w:r></w:hyperlink></w:p>'
        '</w:body></w:document>')
    relationships = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId5" Type="{REL}image" Target="file:///etc/passwd" TargetMode="External"/>'
        f'<Relationship Id="rId6" Type="{REL}image" Target="http://127.0.0.1:{port}/image.png" TargetMode="External"/>'
        f'<Relationship Id="rId7" Type="{REL}hyperlink" Target="file:///etc/passwd" TargetMode="External"/>'
        f'<Relationship Id="rId8" Type="{REL}image" Target="{server_image.as_uri()}" TargetMode="External"/>'
        '</Relationships>')
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                         '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                         '<Default Extension="xml" ContentType="application/xml"/>'
                         f'<Override PartName="/word/document.xml" ContentType="{WORD_MAIN}"/></Types>')  # fmt: skip
        archive.writestr("_rels/.rels", '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                         f'<Relationship Id="rId1" Type="{REL}officeDocument" Target="word/document.xml"/></Relationships>')  # fmt: skip
        archive.writestr("word/document.xml", document)
        archive.writestr("word/_rels/document.xml.rels", relationships)
    return output.getvalue()


class Listener:
    """A local web server stand-in that counts the connections it receives."""

    def __init__(self):
        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.socket.listen()
        self.socket.settimeout(0.2)
        self.port = self.socket.getsockname()[1]
        self.connections = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self):
        while not self._stop.is_set():
            try:
                connection, _ = self.socket.accept()
            except OSError:
                continue
            self.connections += 1
            connection.close()

    def close(self):
        self._stop.set()
        self._thread.join()
        self.socket.close()


@pytest.fixture
def listener():
    server = Listener()
    yield server
    server.close()


@pytest.fixture
def server_image(tmp_path):
    """An image only the server has (a stand-in for any file on its disk)."""
    path = tmp_path / "server-only.png"
    Image.new("RGB", (40, 30), (200, 10, 10)).save(path)
    return path


def pdf_images(data):
    with pikepdf.open(io.BytesIO(data)) as pdf:
        return sum(len(page.get_images()) if hasattr(page, "get_images") else len(page.images)
                   for page in pdf.pages)


def pdf_text(data):
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def require_private_filesystem(app):
    found = office_sandbox.isolation(app.config)
    if found.level != office_sandbox.FILESYSTEM:
        pytest.skip(f"this system grants no mount namespace: {found.detail}")


def test_what_would_be_fetched_is_removed_before_conversion(server_image):
    blind = make_blind_copy(linking_docx(server_image, 9), "office", "report")
    assert len(outside_references(blind)) >= 4  # the blind copy keeps web links: readers may follow them
    stripped = strip_external_links(blind)
    assert outside_references(stripped) == []
    with zipfile.ZipFile(io.BytesIO(stripped)) as archive:
        everything = b"".join(archive.read(name) for name in archive.namelist())
    assert b"/etc/passwd" not in everything and b"127.0.0.1" not in everything
    assert str(server_image).encode() not in everything
    assert b"Annual report of the volunteers." in everything


def test_the_preview_holds_neither_server_files_nor_fetched_content(app, org_client, draft, listener, server_image):
    assert shutil.which(app.config["SOFFICE_BINARY"]), "LibreOffice (soffice) must be installed: make setup"
    upload(org_client, draft, ("report.docx", linking_docx(server_image, listener.port)))
    job = db.session.scalar(PREVIEW_JOBS)
    assert job.status is JobStatus.DONE, job.error
    item = db.session.scalar(db.select(Evidence))
    preview = org_client.get(f"/cases/{draft.id}/evidence/{item.id}/view").get_data()
    assert "Annual report of the volunteers." in pdf_text(preview)
    assert "root:" not in pdf_text(preview)
    assert pdf_images(preview) == 0
    assert listener.connections == 0


def test_the_sandbox_alone_keeps_server_files_and_the_network_out(app, listener, server_image, monkeypatch):
    """Links left in (as if the cleaner missed them): LibreOffice still reaches nothing."""
    require_private_filesystem(app)
    monkeypatch.setattr(previews, "strip_external_links", lambda data: data)
    pdf = previews.convert_to_pdf(linking_docx(server_image, listener.port), "docx",
                                  app.config["SOFFICE_BINARY"], 120)
    assert "Annual report of the volunteers." in pdf_text(pdf)
    assert pdf_images(pdf) == 0  # the server's image is not there to embed
    assert listener.connections == 0


def test_inside_the_sandbox_the_server_is_out_of_sight(app, tmp_path, listener):
    require_private_filesystem(app)
    work = tmp_path / "conversion"
    work.mkdir()
    secret = tmp_path / "uploads-of-the-server.txt"
    secret.write_text("a stored file")
    probe = (f"cat /etc/passwd; cat {secret}; ls {app.root_path}; ls /home /root; ls /proc | grep -c '^[0-9]';"
             " touch /usr/written /etc/written 2>/dev/null && echo WROTE;"
             f" exec 3<>/dev/tcp/127.0.0.1/{listener.port} && echo CONNECTED")
    command = [*office_sandbox.isolation(app.config).prefix(shutil.which("unshare"), work), "bash", "-c", probe]
    result = subprocess.run(command, capture_output=True, text=True, timeout=30)
    assert "root:" not in result.stdout and "a stored file" not in result.stdout
    assert "__init__.py" not in result.stdout
    assert result.stdout.split()[-1] in ("1", "2", "3")  # only its own processes
    assert "WROTE" not in result.stdout  # the system's folders are read-only
    assert "CONNECTED" not in result.stdout and listener.connections == 0


def failing_unshare(folder):
    """`unshare` as Docker's default profile and Ubuntu 24.04 leave it: every namespace refused."""
    fake = folder / "unshare-refused"
    fake.write_text("#!/bin/sh\necho 'unshare: unshare failed: Operation not permitted' >&2\nexit 1\n")
    fake.chmod(0o755)
    return str(fake)


def test_without_isolation_previews_are_refused_and_say_why(app, org_client, draft, tmp_path, caplog):
    app.config["OFFICE_SANDBOX_UNSHARE"] = failing_unshare(tmp_path)
    response = upload(org_client, draft, ("report.docx", linking_docx(tmp_path / "x.png", 9)))
    assert response.status_code == 302
    item = db.session.scalar(db.select(Evidence))
    assert item.kind == "office" and item.storage_name  # the file itself is accepted
    assert db.session.scalar(PREVIEW_JOBS) is None and item.preview_storage_name is None
    page = f"/cases/{draft.id}/evidence"
    english = org_client.get(page, headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "PDF previews of Office files are switched off on this server" in english
    assert "Make a PDF to read in the browser" not in english
    chinese = org_client.get(page, headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert "本服务器已停用 Office 文件的 PDF 预览" in chinese
    assert org_client.post(f"/cases/{draft.id}/evidence/{item.id}/preview",
                           data={"csrf_token": "x"}).status_code in (302, 400)
    assert db.session.scalar(PREVIEW_JOBS) is None
    with pytest.raises(Exception, match="switched off"):  # and the converter itself refuses
        previews.convert_to_pdf(b"PK", "docx", app.config["SOFFICE_BINARY"], 10)

    health = app.test_client().get("/healthz")
    assert health.status_code == 200  # previews are optional: the machine still serves
    assert health.get_json() == {"status": "ok", "office_previews": "refused"}

    with caplog.at_level(logging.WARNING, logger="reviewapp.cases.office_sandbox"):
        create_app("testing", SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"],
                   INSTANCE_DIR=tmp_path, OFFICE_SANDBOX_UNSHARE=app.config["OFFICE_SANDBOX_UNSHARE"])
    warnings = [record.getMessage() for record in caplog.records]
    assert any("office previews refused" in line and "Operation not permitted" in line for line in warnings)
