"""Title, author, publication date and site name of an HTML page (page_metadata).

One pass over the page's <title>, <meta>, JSON-LD and <h1> elements gathers what the page says
about itself (page.Page); the fields are then chosen by rules that use only the page (no site
lists):

title   the headline without the site's name (titles.py; the site's names: sites.py)
author  the JSON-LD article's authors, then meta tags, then the byline by the <h1> (authors.py)
date    the publication day, never the modification date (published.py)
url, sitename  trafilatura's, as before (document.py; page_metadata_site_later reads the site name
               only when asked)

The choices the rules leave open, and how they were chosen, are in rules.py (Rules, VARIANTS).
bench/metadata_eval.py gives the figures against the WCXB labels, trafilatura and the code
before (`--old REV`), and the time per page (`--timing N`).
"""
from cleancorpus.pipeline.extraction.metadata.document import page_metadata, page_metadata_site_later
from cleancorpus.pipeline.extraction.metadata.rules import DEFAULT_RULES, VARIANTS, Rules

__all__ = ["DEFAULT_RULES", "VARIANTS", "Rules", "page_metadata", "page_metadata_site_later"]
