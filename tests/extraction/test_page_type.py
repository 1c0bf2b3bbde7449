"""The shipped page-type model loads once, reads a page without changing it, and names the
type of pages whose type is not in doubt: news articles, a product page, a forum thread."""
from __future__ import annotations

import gzip
import json
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from lxml import etree
from trafilatura.utils import load_html

from cleancorpus.pipeline.extraction.blocks import page_blocks
from cleancorpus.pipeline.extraction.page_type import VERSION, PageTypeModel, decide
from cleancorpus.pipeline.extraction.page_type_features import FEATURES, page_features, page_signals
from cleancorpus.pipeline.extraction.page_type_words import page_words
from cleancorpus.pipeline.inputs.encoding import decode_bytes
from cleancorpus.pipeline.reasons import PAGE_TYPES

BENCH = Path(__file__).resolve().parents[2].parent / "shared" / "bench" / "extraction"
SCRAPINGHUB = BENCH / "scrapinghub"
WCXB_DEV = BENCH / "wcxb-dev"
# WCXB dev articles whose only date is the one printed by the headline (no JSON-LD or meta date, no
# <time datetime>, no date in the URL): tryotter.com "Aug 04, 2025", leadfeeder.com "16 December 2025",
# franshares.com "September 1st, 2023"
DATELINE_ARTICLES = ("0058", "0171", "0245")
# WCXB dev service pages the first model called article with P(article) above 0.95: no date by their headline
UNDATED_SERVICES = ("4266", "0266", "4654")
# three news pages of the ScrapingHub benchmark (wsj.com, nytimes.com, ctpost.com)
NEWS_IDS = (
    "042bb7b5fedab6eac7db576522b89b93904c237d344bcbe14a6a5ab7f7335856",
    "04a6711caa7c687592777718866e781e976e0fe684faebe8b3cedcef8cd0ea34",
    "05844573ca7e1fba714d715bb11ca08c26e25328999c74a1cb3bc8a0e4399f0f",
)

PRODUCT_URL = "https://shop.example.com/products/merino-wool-runner"
PRODUCT = """<!doctype html><html><head><title>Merino Wool Runner - Grey | Acme Shoes</title>
<meta property="og:type" content="product"><meta property="product:price:amount" content="98.00">
<script type="application/ld+json">{"@context": "https://schema.org", "@type": "Product", "name": "Merino Wool Runner",
 "sku": "MWR-GRY", "brand": {"@type": "Brand", "name": "Acme"},
 "aggregateRating": {"@type": "AggregateRating", "ratingValue": "4.6", "reviewCount": "212"},
 "offers": {"@type": "Offer", "price": "98.00", "priceCurrency": "USD", "availability": "https://schema.org/InStock"}}
</script></head><body class="template-product">
<header><nav><ul><li><a href="/collections/men">Men</a></li><li><a href="/collections/women">Women</a></li>
<li><a href="/cart">Cart</a></li></ul></nav></header>
<main><div class="product-gallery"><img src="/img/1.jpg" alt=""><img src="/img/2.jpg" alt=""></div>
<div class="product-info"><h1>Merino Wool Runner</h1><div class="price">$98.00</div>
<div class="rating">4.6 stars (212 reviews)</div>
<form action="/cart/add" method="post" class="product-form">
<label for="size">Size</label><select id="size" name="size"><option>8</option><option>9</option><option>10</option></select>
<label for="qty">Quantity</label><input type="number" id="qty" name="quantity" value="1" min="1">
<input type="hidden" name="id" value="4411"><button type="submit" class="btn add-to-cart">Add to cart</button></form>
<p>Soft merino wool upper, cushioned sole, machine washable.</p>
<ul class="product-details"><li>Free shipping over $75</li><li>30-day returns</li></ul></div></main>
<section class="related-products"><h2>You may also like</h2>
<div class="product-card"><a href="/products/tree-runner"><img src="/a.jpg"><h3>Tree Runner</h3></a>
<span class="price">$95.00</span></div>
<div class="product-card"><a href="/products/trail-runner"><img src="/c.jpg"><h3>Trail Runner</h3></a>
<span class="price">$110.00</span></div>
</section><footer><p>&copy; 2025 Acme Shoes</p></footer></body></html>"""

_REPLIES = (
    "My router drops the connection every evening around eight. I already tried a factory reset and a new cable. "
    "Has anyone seen this?",
    "Which model is it? Some of those have a firmware bug with the 5 GHz band; try turning band steering off.",
    "It is the AX3000. I turned band steering off yesterday and it held all evening, thanks!",
    "Glad it worked. The vendor says a fix is coming in the next firmware release.",
    "Same problem here with the AX1800, the same setting fixed it for me too.",
)
_POSTS = "".join(
    f"""<article class="topic-post" id="post_{i}"><div class="topic-avatar"><img class="avatar" src="/u/{i}.png"></div>
<div class="topic-body"><div class="topic-meta-data"><span class="username"><a href="/u/user{i}">user{i}</a></span>
<time datetime="2024-03-{i + 1:02d}T10:00:00Z">Mar {i + 1}, 2024</time></div><div class="cooked"><p>{text}</p></div>
<div class="post-controls"><button class="like">Like</button><button class="reply">Reply</button></div></div></article>"""
    for i, text in enumerate(_REPLIES)
)
FORUM_URL = "https://community.example.org/t/router-drops-connection-every-evening/48213"
FORUM = f"""<!doctype html><html><head><title>Router drops connection every evening - Help - Example Community</title>
<meta property="og:type" content="website">
<script type="application/ld+json">{{"@context": "https://schema.org", "@type": "DiscussionForumPosting",
 "headline": "Router drops connection every evening", "author": {{"@type": "Person", "name": "user0"}},
 "datePublished": "2024-03-01T10:00:00Z", "commentCount": 4}}</script></head>
<body class="archetype-regular"><header><a href="/">Example Community</a><a href="/login" class="btn">Log in</a></header>
<main><h1><a href="/t/router-drops-connection-every-evening/48213">Router drops connection every evening</a></h1>
<div class="topic-category"><a href="/c/help/5">Help</a></div><div class="post-stream">{_POSTS}</div>
<div class="topic-footer"><button class="btn reply">Reply</button></div></main>
<footer><a href="/tos">Terms</a><a href="/privacy">Privacy</a></footer></body></html>"""


@pytest.fixture(scope="module")
def model() -> PageTypeModel:
    return PageTypeModel()


def test_shipped_model_loads_once_with_its_threshold(model):
    models = Path(__file__).resolve().parents[2] / "pipeline" / "models"
    info = json.loads((models / f"{VERSION}.json").read_text())
    assert model.version == VERSION == info["version"]
    assert tuple(info["features"]) == FEATURES and tuple(info["classes"]) == PAGE_TYPES
    assert 0 < model.threshold == info["threshold"] < 0.5  # leaning to article: other types only when confident
    assert PageTypeModel()._booster is model._booster  # one booster per process
    assert (models / f"{VERSION}.txt").stat().st_size < 500_000
    assert (models / f"{VERSION}.words.json").stat().st_size < 1_000_000
    assert info["words"]["terms"] == len(model.words.index) == len(model.words.weights)


def test_word_model_reads_title_headings_and_the_start_of_the_text(model):
    """Words of the title and the <h1>-<h3> with their pairs, the text's first words, no numbers;
    the word model's features are probabilities of the seven types, the same in every process."""
    terms = page_words("Our Services | Acme", ["Get a quote", "FAQ"], "Home About 2025 " + "word " * 500)
    assert {"t:our", "t:our_services", "t:acme", "h:get_a", "h:a_quote", "h:faq", "b:home", "b:word"} <= terms
    assert "b:2025" not in terms and "h:quote_faq" not in terms
    long_text = "  \n ".join(f"w{i}" for i in range(2000))  # the first 300 words, whitespace runs or not
    assert {t for t in page_words("", [], long_text) if t.startswith("b:")} == {f"b:w{i}" for i in range(300)}
    named = dict(zip(FEATURES, page_features(load_html(FORUM), FORUM_URL)))
    probs = [named[f"words_{t}"] for t in PAGE_TYPES]
    assert abs(sum(probs) - 1) < 1e-9 and all(0 < p < 1 for p in probs)
    assert probs == model.words.probabilities(page_signals(load_html(FORUM), FORUM_URL)[1])
    assert model.words.probabilities(set()) == model.words.probabilities({"b:no-such-term"})


def test_features_are_numbers_in_a_fixed_order_and_leave_the_tree_alone():
    tree = load_html(FORUM)
    before = etree.tostring(tree)
    first = page_features(tree, FORUM_URL)
    assert etree.tostring(tree) == before
    assert len(first) == len(FEATURES) == len(set(FEATURES))
    assert all(isinstance(v, float) and math.isfinite(v) for v in first)
    assert page_features(load_html(FORUM), FORUM_URL) == first
    named = dict(zip(FEATURES, first))
    assert named["url_tok_forum"] == 1.0 and named["ld_forum"] >= 1 and named["n_time"] == len(_REPLIES)
    no_url = dict(zip(FEATURES, page_features(tree, None)))
    assert no_url["url_missing"] == 1.0 and no_url["n_p"] == named["n_p"]


def test_class_values_and_text_read_by_the_blocks_walk_are_the_bodys():
    """page_blocks hands the page-type features the <body>'s class values and text nodes in
    document order, skipped elements' (a <button> and what it holds, a <script>) and inline
    leaves' included, the <body>'s tail not."""
    page = ("<html><head><title>t</title></head><body class='home'><div class='a'><p class=''>One "
            "<span class='s'>two</span> <a class='lnk' href='/x'>x</a></p><button class='btn'><span class='in'>"
            "Go</span></button><script class='js'>var a = 1;</script><!-- c --><div><em>e</em></div></div>"
            "<ul class='menu'><li class='i'>1</li><li class='i'>2</li></ul></body> after</html>")
    tree = load_html(page)
    classes: list[str] = []
    texts: list[str] = []
    page_blocks(tree, classes, texts)
    assert classes == [v for el in tree.find("body").iter() if (v := el.get("class")) is not None]
    assert classes == ["home", "a", "", "s", "lnk", "btn", "in", "js", "menu", "i", "i"]
    assert texts == tree.xpath("//body//text()")
    assert page_features(tree, None, classes, texts) == page_features(tree, None)


def test_script_text_is_not_page_text():
    """Inline scripts in the body (common outside the benchmark, where they were emptied)
    must not count as text or as prices."""
    page = "<html><body><p>{}</p>{}</body></html>"
    prose = "A paragraph of ordinary prose about the weather and the river. " * 4
    script = "<script>var prices = {a: '$10', b: '$20'}; " + "x = 1; " * 2000 + "</script>"
    plain = dict(zip(FEATURES, page_features(load_html(page.format(prose, "")), None)))
    scripted = dict(zip(FEATURES, page_features(load_html(page.format(prose, script)), None)))
    assert scripted["text_len"] == plain["text_len"] > 0
    assert scripted["n_prices"] == plain["n_prices"] == 0


def _wcxb_page(page_id: str) -> tuple[etree._Element, str]:
    if not WCXB_DEV.is_dir():
        pytest.skip(f"benchmark pages not found at {WCXB_DEV}")
    meta = {r["id"]: r for r in map(json.loads, (WCXB_DEV / "meta.jsonl").read_text().splitlines())}
    raw = gzip.decompress((WCXB_DEV / "html" / f"{page_id}.html.gz").read_bytes())
    return load_html(decode_bytes(raw)[0]), meta[page_id]["url"]


@pytest.mark.parametrize("page_id", DATELINE_ARTICLES + UNDATED_SERVICES)
def test_dateline_by_the_headline_on_real_pages(page_id):
    """A date printed just above or below the <h1> marks an article, where schema and meta
    tags say nothing (a third of the labelled articles); service pages have none there."""
    tree, url = _wcxb_page(page_id)
    named = dict(zip(FEATURES, page_features(tree, url)))
    assert named["date_near_h1"] == float(page_id in DATELINE_ARTICLES)
    if page_id in DATELINE_ARTICLES:
        assert named["ld_date_published"] == named["meta_published_time"] == named["url_date"] == 0
        assert named["n_time_datetime"] == 0


@pytest.mark.parametrize("date, near", [
    ("Sep 4, 2025", True), ("4 September 2025", True), ("September 1st, 2023", True), ("2025-09-04", True),
    ("04/09/2025", True), ("4.9.2025", True), ("2025", False), ("call 555-1234", False), ("12/2025", False),
])
def test_date_formats_by_the_headline(date, near):
    """The dateline's usual formats count; a year alone or a phone number does not, and a date far
    below the headline (past the first few hundred characters) is not a dateline."""
    filler = "<p>" + "Plain words of the page body. " * 40 + "</p>"
    page = f"<html><body><nav>Home</nav><h1>A <em>headline</em></h1><p>By A. Writer, {date}</p>{filler}</body></html>"
    far = f"<html><body><h1>A headline</h1>{filler}<p>{date}</p></body></html>"
    assert dict(zip(FEATURES, page_features(load_html(page), None)))["date_near_h1"] == float(near)
    assert dict(zip(FEATURES, page_features(load_html(far), None)))["date_near_h1"] == 0.0


def test_handmade_product_page(model):
    """JSON-LD Product with an Offer, a price, a size select and a quantity input."""
    assert model.predict(load_html(PRODUCT), PRODUCT_URL) == "product"


def test_handmade_forum_thread(model):
    """Five posts with avatar, user link, time and reply button under a /t/<slug>/<id> URL."""
    assert model.predict(load_html(FORUM), FORUM_URL) == "forum"


def test_decision_leans_to_article():
    probs = np.array([0.2, 0.5, 0.3, 0.0, 0.0, 0.0, 0.0])
    assert decide(probs, threshold=0.1) == "article"  # article is not the likeliest, yet not unlikely enough
    assert decide(probs, threshold=0.2) == "article"
    assert decide(probs, threshold=0.25) == "listing"


@pytest.mark.parametrize("page_id", NEWS_IDS, ids=lambda i: i[:8])
def test_news_pages_are_articles(model, page_id):
    if not SCRAPINGHUB.is_dir():
        pytest.skip(f"benchmark pages not found at {SCRAPINGHUB}")
    meta = {r["id"]: r for r in map(json.loads, (SCRAPINGHUB / "meta.jsonl").read_text().splitlines())}
    tree = load_html(decode_bytes((SCRAPINGHUB / "html" / f"{page_id}.html").read_bytes())[0])
    assert model.predict(tree, meta[page_id]["url"]) == "article"
    assert model.predict(tree, None) == "article"  # the page alone says so, without its URL


@pytest.mark.parametrize("name", ("08f793762792", "11ea381ad92b", "23aaecd14171"))
def test_a_news_page_that_declares_nothing_is_still_an_article(model, name):
    """Pages before about 2010 have no JSON-LD, microdata or Open Graph tags: train/markup.py's
    no_declarations takes them out of a news page (tests/data) and leaves its title and text,
    and the page-type model still reads an article from its layout and words."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "train"))
    from markup import no_declarations

    page = gzip.open(Path(__file__).resolve().parents[1] / "data" / f"scrapinghub-{name}.html.gz", "rt",
                     encoding="utf-8").read()
    bare = no_declarations(page)
    before, after = load_html(page), load_html(bare)
    assert before.xpath('//script[@type="application/ld+json"] | //meta[starts-with(@property, "og:")] | //*[@itemprop]')
    assert not after.xpath('//script[@type="application/ld+json"] | //meta[starts-with(@property, "og:")] | '
                           '//*[@itemprop or @itemscope or @itemtype]')
    assert after.findtext(".//title") == before.findtext(".//title")
    def words(tree):
        return " ".join(tree.xpath("//body//text()[not(ancestor::script)]")).split()
    assert words(after) == words(before)
    assert model.predict(after, None) == "article"


def test_module_does_not_import_prefect():
    code = "import sys, cleancorpus.pipeline.extraction.page_type; sys.exit('prefect' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], timeout=60).returncode == 0


def test_page_types_filter_keeps_articles_and_every_text_record(tmp_path):
    """`[filter] page_types = ["article"]` rejects HTML pages of other types with reason page_type
    (a product page and a forum thread put beside the sample), keeps the sample's articles and its
    text records (no page type), and the run says which models made the decisions."""
    from conftest import ROOT, read, run_local

    cfg = tmp_path / "c.toml"
    cfg.write_text('[filter]\npage_types = ["article"]\n[dedup]\nenabled = false\n')
    # the sample's three HTML pages are news articles: a product page and a forum thread beside them
    extra = tmp_path / "extra"
    extra.mkdir()
    (extra / "product.html").write_text(PRODUCT, encoding="utf-8")
    (extra / "forum.html").write_text(FORUM, encoding="utf-8")
    summary = run_local([ROOT / "data" / "sample", extra], tmp_path / "out", config=str(cfg))
    docs, rejects = read(tmp_path / "out"), read(tmp_path / "out", "rejects")
    html_docs = [d for d in docs if d["source_format"] == "html"]
    assert html_docs and all(d["page_type"] == "article" for d in html_docs)
    assert all(d["page_type"] is None for d in docs if d["source_format"] == "text")
    assert len([d for d in docs if d["source_format"] == "text"]) == 5
    typed = [r for r in rejects if r["reason"] == "page_type"]
    assert typed and all("not in ['article']" in r["detail"] for r in typed)
    assert summary["models"] == {"boilerplate": "boilerplate-6", "boilerplate_bare": "boilerplate-bare-7",
                                "page_type": "page_type-4", "lines": "lines-4", "text_kind": "text_kind-3"}
    from cleancorpus.pipeline.run.plan import code_fingerprint  # names the model files, not only their versions
    assert summary["versions"]["code"] == code_fingerprint() and summary["versions"]["lxml"]
    assert set(summary["seconds"]) == {"process", "dedup", "write"} and summary["seconds"]["process"] > 0


def test_unknown_page_type_in_config_is_refused(tmp_path):
    from cleancorpus.pipeline.config import ConfigError, load_config

    cfg = tmp_path / "c.toml"
    cfg.write_text('[filter]\npage_types = ["articles"]\n')
    with pytest.raises(ConfigError, match="articles"):
        load_config(cfg)
