"""Extraction: body text and metadata from HTML (html, byline, dates) and the title/date/byline header of plain text (text_header)."""
