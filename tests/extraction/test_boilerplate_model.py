"""The boilerplate model picks a page's article blocks, names what it cuts, and is the shipped one."""
from __future__ import annotations

import gzip
import json
import re
import sys
from importlib.resources import files

import pytest

from cleancorpus.pipeline.cleaning.cleaner import Cleaner
from cleancorpus.pipeline.config import load_config
from cleancorpus.pipeline.extraction.blocks import FEATURES, page_blocks
from cleancorpus.pipeline.extraction.boilerplate_model import (
    BARE_VERSION,
    PAGE_FEATURES,
    VERSION,
    BoilerplateModel,
    load_model,
)
from cleancorpus.pipeline.extraction.contents import RULE as CONTENTS_RULE
from cleancorpus.pipeline.extraction.dialogs import RULE as DIALOG_RULE
from cleancorpus.pipeline.extraction.html import extract_html, model_for
from cleancorpus.pipeline.extraction.menus import ABOVE_RULE
from cleancorpus.pipeline.extraction.menus import RULE as MENU_RULE
from cleancorpus.pipeline.extraction.related import RULE as RELATED_RULE
from cleancorpus.pipeline.model import RawRecord, SourceMeta
from conftest import ROOT, seed_paragraphs

RULE = f"model.{VERSION}"
# page-type probabilities (PAGE_TYPES order) of a page the page-type model is sure is an article
ARTICLE = [1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]


def _markup():
    """train/markup.py, the rewrites of the dev pages into other markup the models were trained and
    measured on (not part of the package)."""
    sys.path.insert(0, str(ROOT / "train"))
    import markup

    return markup


def _seed_paragraphs(n: int = 6) -> list[str]:
    return [p for p in seed_paragraphs() if len(p) > 150][:n]


MENU = ["Home", "World", "Business", "Markets", "Sport", "Culture", "Travel", "Video", "Podcasts", "Subscribe"]


def _news_page() -> str:
    nav = "".join(f"<li><a href='/{m.lower()}'>{m}</a></li>" for m in MENU)
    body = "".join(f"<p>{p}</p>" for p in _seed_paragraphs())
    related = "".join(f"<li><a href='/story/{i}'>Another story about something else entirely, number {i}</a></li>"
                      for i in range(6))
    return (f"<html><head><title>Putin on Belarus</title></head><body><header><nav class='main-menu'><ul>{nav}"
            f"</ul></nav></header><main><article><h1>Putin on Belarus</h1>{body}</article>"
            f"<aside class='related-stories'><h3>Most read</h3><ul>{related}</ul></aside></main>"
            f"<footer class='site-footer'><a href='/privacy'>Privacy</a> <a href='/terms'>Terms</a></footer>"
            f"</body></html>")


def test_article_blocks_kept_menus_and_link_lists_dropped():
    ex = extract_html(_news_page(), "https://news.example.com/2022/07/putin-belarus", load_config().extract)
    assert ex is not None and ex.method == RULE
    lines = ex.text.split("\n")
    for p in _seed_paragraphs():
        assert " ".join(p.split()) in lines
    assert not set(MENU) & set(lines)
    assert not any(line.startswith("Another story about") for line in lines)
    assert "Privacy" not in lines


def test_a_line_trafilatura_kept_and_the_model_cut_is_named_in_removed():
    """A ScrapingHub sports page: trafilatura keeps the newsletter box under the article, the model
    cuts it, and the removed column says which model did."""
    page = gzip.open(ROOT / "tests" / "data" / "scrapinghub-08f793762792.html.gz", "rt", encoding="utf-8").read()
    rec = RawRecord(source_uri="scrapinghub-08f793762792.html", source_record=None, source_format="html", html=page,
                    meta=SourceMeta())
    doc = Cleaner(load_config()).process(rec).doc
    cut = "Keep an eye on your inbox for the latest sports news."
    assert doc is not None and "Myles Garrett" in doc.text
    assert (RULE, cut) in list(zip(doc.removed_rules, doc.removed_lines)) and cut not in doc.text
    off = Cleaner(load_config(environ={"CLEANCORPUS_EXTRACT__BOILERPLATE_MODEL": '""'})).process(rec).doc
    assert RULE not in off.removed_rules


def test_same_page_same_text_and_one_model_per_process():
    cfg = load_config().extract
    page = _news_page()
    assert extract_html(page, None, cfg).text == extract_html(page, None, cfg).text
    assert load_model("default") is load_model("default")


@pytest.mark.parametrize("version", [VERSION, BARE_VERSION])
def test_shipped_model_matches_the_code_and_a_stale_one_is_refused(version):
    spec = json.loads(files("cleancorpus.pipeline.models").joinpath(f"{version}.json").read_text())
    assert spec["version"] == version and spec["features"] == list(FEATURES + PAGE_FEATURES)
    assert 0 < spec["thresholds"]["kept_by_trafilatura"] <= spec["thresholds"]["dropped_by_trafilatura"] < 1
    with pytest.raises(ValueError, match="other features"):
        BoilerplateModel({**spec, "features": spec["features"][1:]})


def test_a_model_file_train_writes_says_what_it_was_trained_with():
    """The trees depend on lightgbm's, lxml's and trafilatura's versions as well as on the code
    (tests/test_model_inputs.py): train/ writes both the versions and a digest of the inputs."""
    import lightgbm
    import lxml

    sys.path.insert(0, str(ROOT / "train"))
    import boilerplate as training

    shipped = json.loads(files("cleancorpus.pipeline.models").joinpath(f"{VERSION}.json").read_text())
    spec = json.loads(json.dumps(training.spec(lightgbm.Booster(model_str=shipped["booster"]), (0.5, 0.5, 0.0, 0))))
    assert spec["trained_with"]["lightgbm"] == lightgbm.__version__
    assert spec["trained_with"]["lxml"] == lxml.__version__ and spec["trained_with"]["trafilatura"]
    assert spec["inputs_check"] == shipped["inputs_check"]  # the shipped model was trained on this code's inputs
    assert BoilerplateModel(spec).version == VERSION  # the loader reads it as before


def test_blocks_behind_a_self_closed_svg_and_in_noscript_are_read():
    """An HTML parser nests the rest of the page in an <svg/> written self-closing; a forum serves
    its posts to crawlers in <noscript>. Skipping either would leave such a page empty."""
    from trafilatura.utils import load_html

    para = _seed_paragraphs(1)[0]
    page = f"<html><body><svg class='icon'/><div><p>{para}</p></div><noscript><p>{para} Again.</p></noscript></body></html>"
    texts = [b.text for b in page_blocks(load_html(page))]
    assert " ".join(para.split()) in texts and " ".join(para.split()) + " Again." in texts


def test_paragraphs_written_between_br_pairs_reach_trafilatura_as_paragraphs():
    """Two ScrapingHub pages with every <p> written as its text and <br><br>, as sites of the 2000s
    wrote them: trafilatura alone drops half a blog post's text on one and keeps a link list on the
    other; the text the model reads is the page's as published, on both. One <br> alone (an
    address) stays a line break."""
    from trafilatura.utils import load_html

    from cleancorpus.pipeline.extraction.breaks import paragraphs_from_breaks
    from cleancorpus.pipeline.extraction.html import model_input_text, trafilatura_text

    cfg = load_config().extract
    for name in ("scrapinghub-0dd135704572", "scrapinghub-23aaecd14171"):
        page = gzip.open(ROOT / "tests" / "data" / f"{name}.html.gz", "rt", encoding="utf-8").read()
        published = model_input_text(load_html(page), None, cfg)
        assert published == trafilatura_text(load_html(page), None, cfg)
        rewritten = _markup().br_paragraphs(page)
        assert trafilatura_text(load_html(rewritten), None, cfg) != published
        assert model_input_text(load_html(rewritten), None, cfg) == published
    address = load_html("<html><body><div>12 High Street<br>London<br><br>Open daily</div></body></html>")
    assert paragraphs_from_breaks(address) == 1
    assert [p.text_content() for p in address.iter("p")] == ["12 High StreetLondon", "Open daily"]
    assert len(list(address.iter("br"))) == 1


def test_page_trafilatura_returns_nothing_for_still_gets_its_text():
    """A body of bare text in <div>s and <br>s, which trafilatura does not extract."""
    para = " ".join(_seed_paragraphs(3))
    page = "<html><body><div>" + "<br><br>".join(para.split(". ")) + "</div></body></html>"
    ex = extract_html(page, None, load_config().extract)
    assert ex is not None and len(ex.text.split()) > 0.8 * len(para.split())


def test_short_blocks_need_the_floor_and_older_model_files_still_load():
    """Blocks of fewer than short_words words pass only at short_block or above; longer blocks keep
    their thresholds. A model file without the floor (written before it) decides as it did."""
    from trafilatura.utils import load_html

    spec = json.loads(files("cleancorpus.pipeline.models").joinpath(f"{VERSION}.json").read_text())
    th = spec["thresholds"]
    blocks = page_blocks(load_html(_news_page()))
    traf = "\n".join(_seed_paragraphs())
    pair = {"kept_by_trafilatura": th["kept_by_trafilatura"], "dropped_by_trafilatura": th["dropped_by_trafilatura"]}
    old = BoilerplateModel({**spec, "thresholds": pair})
    strict = BoilerplateModel({**spec, "thresholds": {**pair, "short_block": 1.0, "short_words": 5}})
    kept_old, _ = old.keep(blocks, traf, ARTICLE)
    kept_strict, _ = strict.keep(blocks, traf, ARTICLE)
    for b, k_old, k_strict in zip(blocks, kept_old, kept_strict):
        if len(b.text.split()) < 5:
            assert not k_strict
        else:
            assert k_strict == k_old
    assert any(kept_strict)


def _without_names(html: str) -> str:
    """The page as a site whose markup names nothing serves it (CSS-in-JS hashes, a bare layout):
    the rewrite the bare model was trained on."""
    return _markup().no_attributes(html)


def test_an_article_whose_markup_names_nothing_goes_to_the_bare_model():
    """The ScrapingHub sports page without its class and id attributes: the bare model picks its
    blocks and names its cuts; the page as published keeps the main model, and so does the bare
    page with `bare_model = ""`."""
    page = gzip.open(ROOT / "tests" / "data" / "scrapinghub-08f793762792.html.gz", "rt", encoding="utf-8").read()
    cfg = load_config().extract
    bare = _without_names(page)
    ex = extract_html(bare, None, cfg)
    assert ex is not None and ex.page_type == "article" and ex.method == f"model.{BARE_VERSION}"
    assert "Myles Garrett" in ex.text
    assert all(rule == f"model.{BARE_VERSION}" for rule, _ in ex.removed if rule.startswith("model."))
    assert extract_html(page, None, cfg).method == RULE
    assert extract_html(bare, None, cfg.model_copy(update={"bare_model": ""})).method == RULE


def test_the_bare_model_cuts_on_a_bare_page_what_the_names_told_the_main_model():
    """A ScrapingHub blog post stripped of class and id: the bare model keeps every line the main
    model keeps from the page as published, and cuts the post's share prompt, which the main model
    alone keeps there (a line its class names told it to drop)."""
    page = gzip.open(ROOT / "tests" / "data" / "scrapinghub-0dd135704572.html.gz", "rt", encoding="utf-8").read()
    cfg = load_config().extract
    published = extract_html(page, None, cfg).text
    routed = extract_html(_without_names(page), None, cfg).text
    main_only = extract_html(_without_names(page), None, cfg.model_copy(update={"bare_model": ""})).text
    assert set(published.split("\n")) <= set(routed.split("\n"))
    prompt = "Like this:"
    assert prompt in main_only.split("\n") and prompt not in routed.split("\n")


def test_only_articles_whose_markup_names_no_role_are_routed():
    """A listing's links are its content; without names the bare model cannot tell them from a
    menu, so any page type but article keeps the main model, and so does a page whose markup
    names a role anywhere."""
    from trafilatura.utils import load_html

    cfg = load_config().extract
    named = page_blocks(load_html(_news_page()))
    bare = page_blocks(load_html(_without_names(_news_page())))
    assert model_for(bare, "article", cfg).version == BARE_VERSION
    assert model_for(bare, "listing", cfg).version == VERSION
    assert model_for(named, "article", cfg).version == VERSION


def test_the_model_reads_the_page_type_and_is_refused_without_it():
    """The shipped model reads how sure the page-type model is that the page is an article (a
    teaser list is a listing's content, not an article's); a caller that gives no page type gets
    an error, not verdicts made on a missing column."""
    from trafilatura.utils import load_html

    blocks = page_blocks(load_html(_news_page()))
    traf = "\n".join(_seed_paragraphs())
    model = load_model("default")
    with pytest.raises(ValueError, match="page-type probabilities"):
        model.keep(blocks, traf)
    _, _, as_article = model.verdicts(blocks, traf, page=ARTICLE)
    _, _, as_listing = model.verdicts(blocks, traf, page=[0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0])
    assert (as_article != as_listing).any()


WCXB_HTML = ROOT.parent / "shared" / "bench" / "extraction" / "wcxb-dev" / "html"


@pytest.mark.skipif(not (WCXB_HTML / "2919.html.gz").exists(), reason="needs ../shared's WCXB dev pages")
def test_a_model_that_keeps_a_heading_alone_gives_way_to_trafilatura():
    """espn.com's NFL schedule (WCXB dev 2919, a listing): the model keeps its heading and a date,
    a few words, and the heading, which the header parser then takes as the title, once left the
    page empty. Under [extract] model_min_words, trafilatura's longer text stands in, as when the
    model keeps nothing."""
    html = gzip.decompress((WCXB_HTML / "2919.html.gz").read_bytes()).decode("utf-8", "replace")
    tiny = extract_html(html, None, load_config(environ={"CLEANCORPUS_EXTRACT__MODEL_MIN_WORDS": "0"}).extract)
    assert tiny.method == RULE and len(tiny.text.split()) < load_config().extract.model_min_words
    ex = extract_html(html, None, load_config().extract)
    assert ex.method == "trafilatura" and "Arizona Cardinals" in ex.text


def test_a_menu_item_the_model_keeps_alone_is_cut():
    """IndieWire's story of Mary Steenburgen's "Wild Rose" song (ScrapingHub, MIT licence): its menus
    head their dropdowns "More" and "About", without a link. The shipped model keeps both (as it
    keeps "About" on one WCXB dev page in nine: its training labels call a one-word block content
    when the truth holds the word anywhere); page.menu_item cuts them and names itself."""
    html = gzip.open(ROOT / "tests" / "data" / "scrapinghub-3d8f3404cf97.html.gz", "rt", encoding="utf-8").read()
    ex = extract_html(html, "https://www.indiewire.com/2019/11/mary-steenburgen-jessie-buckley-wild-rose-glasgow-"
                      "best-original-song-1202189233/", load_config().extract)
    assert ex is not None and ex.method == RULE
    assert not {"About", "- About", "More", "- More"} & set(ex.text.split("\n"))
    assert "woke up after a minor arm surgery feeling like her mind was on fire." in ex.text
    assert (MENU_RULE, "About") in ex.removed and (MENU_RULE, "More") in ex.removed


def test_a_table_of_contents_is_cut_and_its_headings_stay():
    """Sam Bossley's "Thoughts on Zig" (WCXB dev 0414, CC-BY-4.0): the post opens with a list of its
    thirteen section headings, each a link to its heading ("#the-good"), which the shipped model
    keeps and the labelled truth leaves out. page.contents_list cuts the list and names itself;
    the headings themselves stay, once each."""
    html = gzip.open(ROOT / "tests" / "data" / "wcxb-dev-0414.html.gz", "rt", encoding="utf-8").read()
    ex = extract_html(html, "https://sam.bossley.com/thoughts/25/08/thoughts-on-zig", load_config().extract)
    assert ex is not None and ex.method == RULE
    lines = ex.text.split("\n")
    for heading in ("The Good", "Native C/C++ Interop", "Poor Documentation", "Conclusion"):
        assert (CONTENTS_RULE, heading) in ex.removed
        assert lines.count(heading) == 1 and f"- {heading}" not in lines
    assert sum(r == CONTENTS_RULE for r, _ in ex.removed) == 13
    assert lines[0].startswith("Zig has the syntax of Rust")


def _cut_on_articles_only(name: str, url: str | None, rule: str, lines: tuple[str, ...], stays: str) -> None:
    """A cut made on pages surely articles: each of `lines` is cut and named `rule`, `stays` stays;
    with the article-only cuts off (`comments_min_article = 1`) the lines are kept."""
    page = gzip.open(ROOT / "tests" / "data" / name, "rt", encoding="utf-8").read()
    cfg = load_config().extract
    ex = extract_html(page, url, cfg)
    assert ex is not None and ex.page_type == "article" and ex.method == RULE
    for line in lines:
        assert (rule, line) in ex.removed and line not in ex.text
    assert stays in ex.text
    kept = extract_html(page, url, cfg.model_copy(update={"comments_min_article": 1.0}))
    assert all(line in kept.text for line in lines) and not any(r == rule for r, _ in kept.removed)


def test_links_to_other_stories_under_an_article_are_cut():
    """CBS Sports' story on the Browns-Steelers fight (ScrapingHub, MIT licence):
    under its last paragraph the page lists its other stories, each a link alone, and the shipped
    model keeps two of them. page.related_links cuts them and names itself; the article's last
    paragraph stays."""
    _cut_on_articles_only("scrapinghub-08f793762792.html.gz", None, RELATED_RULE,
                          ("NFL odds, cheat sheet, picks, bets, sims", "Jones tells Belichick story from '90s"),
                          "so our focus has got to be on Cincinnati right now.")


def test_a_dialog_in_an_article_page_is_cut():
    """Modern Farmer's "6 Gardening Shows to Watch" (WCXB dev 0329, CC-BY-4.0) ships its republishing
    policy as a hidden `role="dialog"`, and the shipped model keeps its prose. page.dialog cuts it
    and names itself; the article stays."""
    _cut_on_articles_only("wcxb-dev-0329.html.gz", "https://modernfarmer.com/2021/10/gardening-shows-to-watch/",
                          DIALOG_RULE, ("Want to republish a Modern Farmer story?", "Please credit us and our writers"),
                          "As the backyard gardening season starts wrapping up in many areas across the country")


def test_a_word_kept_alone_above_an_article_is_cut():
    """Vox's report on Delhi's air pollution (ScrapingHub, MIT licence): the shipped model keeps a
    "More" of its navigation alone above the article, outside any list item, so page.menu_item
    leaves it; page.label_above cuts it and names itself, and the text opens with the article."""
    page = gzip.open(ROOT / "tests" / "data" / "scrapinghub-16c30add7e96.html.gz", "rt", encoding="utf-8").read()
    ex = extract_html(page, "https://www.vox.com/science-and-health/2019/11/8/20948348/delhi-india-air-pollution-"
                      "quality-cause", load_config().extract)
    assert ex is not None and ex.page_type == "article" and ex.method == RULE
    assert (ABOVE_RULE, "More") in ex.removed and not any(r == MENU_RULE for r, _ in ex.removed)
    assert ex.text.startswith("Another cloud of choking smoke and dust is set to descend upon the 20 million")


@pytest.mark.parametrize("name", ["scrapinghub-11ea381ad92b.html.gz", "wcxb-dev-0414.html.gz"])
def test_a_page_wrapped_whole_in_an_aspnet_form_gives_the_same_text(name):
    """ASP.NET WebForms, the stack of many sites of 2005-2012, wraps the whole page in one <form>
    for its postbacks, its state in a hidden __VIEWSTATE input. With the `form` flag on every block
    the model cut most of autoracing.com.br's standings (425 words -> 173) and Sam Bossley's
    "Thoughts on Zig" (1,148 -> 986); that form is no form the reader fills in."""
    page = gzip.open(ROOT / "tests" / "data" / name, "rt", encoding="utf-8").read()
    wrapped = re.sub(r"(<body\b[^>]*>)(.*)(</body>)", lambda m: (
        f'{m[1]}<form name="aspnetForm" method="post" action="./default.aspx" id="aspnetForm"><div class="aspNetHidden">'
        f'<input type="hidden" name="__VIEWSTATE" id="__VIEWSTATE" value="/wEPDwUKLTI2NjY5" /></div>{m[2]}</form>{m[3]}'),
        page, count=1, flags=re.S | re.I)
    assert wrapped.count("__VIEWSTATE") == 2
    cfg = load_config().extract
    assert extract_html(wrapped, None, cfg).text == extract_html(page, None, cfg).text


def test_the_long_copy_puts_other_paragraphs_inside_the_article_and_keeps_its_end():
    """train/markup.py's long copy, which the bare model trains on: the extra paragraphs go after the
    first third of the article's own, so the article still ends next to what follows it; the page
    comes in a table layout without class or id, its <p>s kept."""
    import lxml.html

    own = [f"Paragraph {i} of the story, long enough to read as prose." for i in range(6)]
    html = ('<html><body><div class="nav"><a href="/">Home</a></div><div id="story">'
            + "".join(f'<p class="x">{p}</p>' for p in own) + '</div><div class="footer">Contact us</div></body></html>')
    extra = ["Another article's first paragraph.", "Another article's second paragraph."]
    out = _markup().longer_article(html, lambda t: t in own, extra)
    tree = lxml.html.fromstring(out)
    assert [p.text_content() for p in tree.iter("p")] == own[:3] + extra + own[3:]
    assert tree.find(".//td") is not None and not tree.xpath("//*[@class or @id]")
    assert tree.text_content().rstrip().endswith("Contact us")
    assert _markup().longer_article(html, lambda t: t in own[:2], extra) is None  # no article of 3 <p>s found
