"""The Word version of an article: title, source and date line, body paragraphs and its photos (GB/T 9704 page)."""

from docx.enum.text import WD_ALIGN_PARAGRAPH

from pacesetter.documents.word import (
    add_paragraph,
    add_picture_png,
    add_title,
    cn_date,
    new_document,
    to_bytes,
)

from .models import Article
from .text import paragraphs


def article_docx(article: Article) -> bytes:
    doc = new_document()
    add_title(doc, article.title)
    day = article.published_at or article.updated_at
    line = f"{article.organisation.name}　{cn_date(day)}"
    if article.event_kind and article.event_date:
        line += f"　{article.get_event_kind_display()}：{cn_date(article.event_date)}，{article.event_place}"
    add_paragraph(doc, line, indent=False, align=WD_ALIGN_PARAGRAPH.CENTER)
    if article.summary:
        add_paragraph(doc, article.summary, bold=True)
    for text in paragraphs(article.body):
        add_paragraph(doc, text)
    for photo in article.photos.all():
        with photo.file.open("rb") as f:
            add_picture_png(doc, f.read(), 120)
    return to_bytes(doc)
