"""Page-type features of what the page declares about itself: JSON-LD types by group (an
article, a product and its offers, a forum posting, a list), og:type and the publication
meta tags.

Pages often say what they are, though not always truly (see page_type): these are features
for the model to weigh, not a decision.
"""
from __future__ import annotations

import json
from collections import Counter

# schema.org types by what they say about the page; a type nested anywhere counts (an Offer inside
# a Product, a Person as author). Organization, WebSite, ImageObject are on every kind of page.
_LD_GROUPS: dict[str, frozenset[str]] = {
    "article": frozenset(
        "Article NewsArticle BlogPosting Report ReportageNewsArticle AnalysisNewsArticle OpinionNewsArticle "
        "BackgroundNewsArticle ReviewNewsArticle LiveBlogPosting ScholarlyArticle SatiricalArticle "
        "Recipe HowTo".split()
    ),
    "tech": frozenset("TechArticle APIReference SoftwareSourceCode SoftwareApplication Book Chapter".split()),
    "product": frozenset("Product ProductGroup IndividualProduct ProductModel Vehicle".split()),
    "offer": frozenset("Offer AggregateOffer UnitPriceSpecification PriceSpecification MerchantReturnPolicy".split()),
    "rating": frozenset("AggregateRating Review Rating".split()),
    "forum": frozenset("QAPage DiscussionForumPosting SocialMediaPosting Comment InteractionCounter".split()),
    "qa": frozenset("Question Answer".split()),
    "faq": frozenset(("FAQPage",)),
    "list": frozenset("ItemList CollectionPage SearchResultsPage OfferCatalog Blog".split()),
    "webpage": frozenset("WebPage AboutPage ContactPage ProfilePage MedicalWebPage".split()),
    "service": frozenset(
        "Service LocalBusiness ProfessionalService Course EducationalOccupationalProgram Event "
        "EducationalOrganization CollegeOrUniversity HealthAndBeautyBusiness Store".split()
    ),
    "breadcrumb": frozenset(("BreadcrumbList",)),
    "person": frozenset(("Person",)),
    "video": frozenset(("VideoObject",)),
}
_OG_TYPES = ("article", "product", "website")

LD_FEATURES = (
    "ld_present", "ld_types", *(f"ld_{g}" for g in _LD_GROUPS), "ld_date_published", "ld_article_body",
    *(f"og_{t}" for t in _OG_TYPES), "og_other", "meta_published_time", "meta_article_tags", "meta_price",
    "meta_author", "twitter_large_image",
)
_LD_MAX_NODES = 2000  # a JSON-LD catalogue of thousands of items says no more than its first ones


def _ld_walk(data: object, types: Counter[str], keys: set[str]) -> None:
    """schema.org @type values and property names anywhere in a JSON-LD document."""
    queue, seen = [data], 0
    while queue and seen < _LD_MAX_NODES:
        node = queue.pop()
        seen += 1
        if isinstance(node, dict):
            t = node.get("@type")
            for name in t if isinstance(t, list) else (t,):
                if isinstance(name, str):
                    types[name.rsplit("/", 1)[-1]] += 1
            keys.update(node)
            queue.extend(v for v in node.values() if isinstance(v, (dict, list)))
        elif isinstance(node, list):
            queue.extend(v for v in node if isinstance(v, (dict, list)))


def schema_features(ld_json: list[str], meta: dict[str, str]) -> dict[str, float]:
    """What the page declares about itself: JSON-LD types by group, og:type, publication meta tags."""
    types: Counter[str] = Counter()
    keys: set[str] = set()
    for text in ld_json:
        try:
            _ld_walk(json.loads(text), types, keys)
        except (ValueError, RecursionError):
            continue  # broken JSON-LD is common; it says nothing
    f: dict[str, float] = {"ld_present": float(bool(ld_json)), "ld_types": len(types)}
    for group, names in _LD_GROUPS.items():
        f[f"ld_{group}"] = sum(n for t, n in types.items() if t in names)
    f["ld_date_published"] = float("datePublished" in keys)
    f["ld_article_body"] = float("articleBody" in keys)
    og = meta.get("og:type", "").strip().lower()
    for t in _OG_TYPES:
        f[f"og_{t}"] = float(og == t)
    f["og_other"] = float(bool(og) and og not in _OG_TYPES)
    f["meta_published_time"] = float(bool(meta.get("article:published_time")))
    f["meta_article_tags"] = sum(k.startswith("article:") for k in meta)
    f["meta_author"] = float(bool(meta.get("author")))
    f["twitter_large_image"] = float(meta.get("twitter:card") == "summary_large_image")
    f["meta_price"] = float(any(k.startswith(("product:price", "og:price")) for k in meta))
    return f
