"""Publishing: turns the selected cases of a campaign into the showcase book (PDF).

The engine works on plain data (``model.Book`` and ``model.BookCase``), knows
nothing about Flask or the database, and is driven by ``book.build_book``:
cases are rendered in chunks by sandboxed child processes (``render``) with a
fetcher that only serves registered files (``fetcher``), cached per chunk
(``chunks``), then merged by qpdf (pikepdf) with real page numbers (also the
TOC's), TOC links, outline and metadata (``merge``), one shared subset per font
face (``fonts``). Photos are
made print-ready by ``photos.prepare_photo`` (meant to run at upload).
"""
