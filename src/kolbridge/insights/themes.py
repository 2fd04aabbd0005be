"""Themes: insights about the same thing, grouped per therapeutic area, product and period.

The grouping (``group_texts``) is pure: TF-IDF over the insights' words (English and
field-report stop words removed, unigrams and bigrams), reduced by truncated SVD (latent
semantic analysis) when the group is large enough for it to help, then k-means with the number
of themes chosen by the silhouette score among candidates bounded by the group's size. Each
cluster is described by its key terms (the words that weigh most in the cluster and least in
the rest of the group), its representative insight (the member closest to the centroid) and
each member's cosine similarity to that centroid. Fixed seeds and a fixed input order make it
deterministic.

Groups of fewer than ``MIN_GROUP_SIZE`` insights get no themes: four remarks are not a pattern
worth naming. Clusters of fewer than ``MIN_THEME_SIZE`` insights are not themes either; their
insights stay unthemed until more like them arrive.

The services regroup a group's new and accepted insights (``theme_regroup``, and
``theme_regroup_all`` for the nightly task and ``kolbridge insights-regroup``), matching the new
clusters to the stored themes so medical leads' edits hold (``_plan`` says how), and carry
those edits: ``theme_rename``, ``theme_merge``, ``theme_split`` and ``theme_release``.
"""

from __future__ import annotations

import calendar
import math
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from time import monotonic
from typing import Any

import numpy as np
from django.db import transaction
from django.db.models import Max, Min, Q, QuerySet
from django.utils import timezone
from scipy import sparse
from scipy.cluster.hierarchy import fcluster, linkage
from sklearn.cluster import KMeans
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer
from sklearn.preprocessing import normalize
from threadpoolctl import threadpool_limits

from kolbridge.core import policy
from kolbridge.core.audit import audit_record
from kolbridge.core.errors import Conflict, Invalid
from kolbridge.core.models import Product, TherapeuticArea, User
from kolbridge.core.validation import therapeutic_area_by_code
from kolbridge.insights.deidentify import remaining_identifiers
from kolbridge.insights.models import (
    INSIGHT_MAX_CHARS,
    Insight,
    InsightAction,
    InsightStatus,
    Theme,
    ThemeMembership,
    ThemeStatus,
)
from kolbridge.insights.services import known_names

MIN_GROUP_SIZE = 5
MIN_THEME_SIZE = 3
MAX_THEMES = 30
KEY_TERMS = 4
NAME_TERMS = 3
# A two-word phrase names a theme instead of one of its words when it weighs at least this
# share of the word.
PHRASE_SHARE = 0.5
# LSA dimensions: enough to keep the topics of a few thousand short texts apart, few enough
# that k-means stays fast on 100,000 of them.
LSA_COMPONENTS = 100
# The number of themes is chosen on a sample this large: beyond it the choice no longer moves,
# and the cost grows with the square of the sample.
SILHOUETTE_SAMPLE = 1000
# The fewest themes whose silhouette reaches this share of the best are preferred.
SILHOUETTE_SHARE = 0.95

# Words every field report uses whatever it is about: naming a theme by them says nothing.
# Month names are here too: a date is an identifier that must not reach a released theme.
DOMAIN_STOP_WORDS = frozenset(
    {
        "patient",
        "patients",
        "pt",
        "pts",
        "kol",
        "kols",
        "hcp",
        "hcps",
        "msl",
        "msls",
        "dr",
        "doctor",
        "doctors",
        "prof",
        "professor",
        "md",
        "said",
        "says",
        "say",
        "mentioned",
        "mention",
        "mentions",
        "asked",
        "asks",
        "ask",
        "told",
        "tell",
        "tells",
        "noted",
        "notes",
        "note",
        "feels",
        "feel",
        "felt",
        "thinks",
        "think",
        "thought",
        "believes",
        "believe",
        "shared",
        "discussed",
        "discussion",
        "meeting",
        "interaction",
        "visit",
        "today",
        "yesterday",
        "week",
        "weeks",
        "month",
        "months",
        "year",
        "years",
        "currently",
        "really",
        "quite",
        "lot",
        "lots",
        "just",
        "like",
        "would",
        "could",
        "also",
        "want",
        "wants",
        "wanted",
        "seems",
        "seem",
        "january",
        "february",
        "march",
        "april",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    }
)
STOP_WORDS = ENGLISH_STOP_WORDS | DOMAIN_STOP_WORDS
# Words of two or more characters that start with a letter, hyphens kept inside (pd-l1,
# her2-positive); numbers alone (doses, dates) are not topics.
_TOKEN = re.compile(r"(?u)\b[^\W\d_][\w-]*\w\b")
_CLAUSE = re.compile(r"[.;:!?,()\[\]\n\"]+")


def terms_of(text: str) -> list[str]:
    """The words of a text and its two-word phrases. A phrase is two words side by side in
    one clause: a stop word or punctuation between them breaks it, so "excluded from trials"
    gives no "excluded trials" (the vectorizer's own bigrams are taken after stop words go,
    and such phrases named themes with words that never stood together)."""
    terms: list[str] = []
    for clause in _CLAUSE.split(text.lower()):
        previous = ""
        for token in _TOKEN.findall(clause):
            if token in STOP_WORDS:
                previous = ""
                continue
            terms.append(token)
            if previous:
                terms.append(f"{previous} {token}")
            previous = token
    return terms


def name_tokens(names: Iterable[str]) -> set[str]:
    """The words of people's names, which never name a theme."""
    return {token for name in names for token in _TOKEN.findall(name.lower())}


@dataclass(frozen=True)
class Cluster:
    """One theme found by the grouping: positions in the input, closest to the centroid
    first."""

    members: list[int]
    similarities: list[float]
    key_terms: list[str]
    representative: int

    @property
    def name(self) -> str:
        return theme_name(self.key_terms)


def theme_name(key_terms: Sequence[str]) -> str:
    return " · ".join(key_terms[:NAME_TERMS])[:200] or "Unnamed theme"


class TextSpace:
    """The insights of one group as vectors: TF-IDF rows (for key terms) and unit-length rows
    for clustering and similarity (the LSA reduction of the TF-IDF rows on larger groups)."""

    def __init__(self, texts: Sequence[str], *, seed: int = 0) -> None:
        with _one_thread():
            self._fit_space(texts, seed)

    def _fit_space(self, texts: Sequence[str], seed: int) -> None:
        self.size = len(texts)
        self.seed = seed
        self.terms: np.ndarray = np.array([], dtype=object)
        self.tfidf: sparse.csr_matrix = sparse.csr_matrix((self.size, 0))
        self.vectors: np.ndarray = np.zeros((self.size, 0))
        if not texts:
            return
        n = self.size
        # Small groups keep every word; larger ones drop words too rare to shape a theme, and
        # every group drops words most of its insights share (the product's own name).
        min_df = 1 if n < 10 else max(2, math.ceil(n / 1000))
        max_df = 1.0 if n < 10 else 0.6
        for low, high in ((min_df, max_df), (1, 1.0)):
            vectorizer = TfidfVectorizer(
                analyzer=terms_of,
                min_df=low,
                max_df=high,
                sublinear_tf=True,
                dtype=np.float32,
            )
            try:
                self.tfidf = vectorizer.fit_transform(texts).tocsr()
            except ValueError:
                # No word survived the pruning (or none at all): retry keeping every word.
                continue
            self.terms = vectorizer.get_feature_names_out()
            break
        else:
            return
        features = self.tfidf.shape[1]
        components = min(LSA_COMPONENTS, features - 1, n - 1)
        if components >= 10 and features > LSA_COMPONENTS:
            svd = TruncatedSVD(n_components=components, random_state=seed)
            reduced = svd.fit_transform(self.tfidf)
            self.vectors = normalize(reduced).astype(np.float32)
        else:
            self.vectors = self.tfidf.toarray()

    def cluster(self, *, max_themes: int | None = None) -> list[list[int]]:
        """Positions of the insights per cluster, clusters too small to be a theme left out."""
        with _one_thread():
            return self._cluster(max_themes)

    def _cluster(self, max_themes: int | None) -> list[list[int]]:
        # Insights with no word left (only numbers or stop words) belong to no theme.
        usable = np.flatnonzero(np.abs(self.vectors).sum(axis=1) > 0)
        n = len(usable)
        if n < MIN_GROUP_SIZE:
            return []
        cap = max_themes or MAX_THEMES
        k_max = min(cap, n // MIN_THEME_SIZE, int(math.sqrt(n)) + 1)
        data = self.vectors[usable]
        # A group of five insights is one theme; larger ones pick their number of themes.
        labels = np.zeros(n, dtype=int) if k_max < 2 else self._labels(data, k_max)
        clusters: dict[int, list[int]] = {}
        for position, label in zip(usable, labels, strict=True):
            clusters.setdefault(int(label), []).append(int(position))
        found = [members for members in clusters.values() if len(members) >= MIN_THEME_SIZE]
        # Largest first, then by first member, so the order does not depend on label numbers.
        return sorted(found, key=lambda m: (-len(m), m[0]))

    def _labels(self, data: np.ndarray, k_max: int) -> np.ndarray:
        """Ward's hierarchical clustering of a sample gives a partition for every number of
        themes from 2 to ``k_max`` at once; the silhouette picks the number (the fewest themes
        scoring within ``SILHOUETTE_SHARE`` of the best: the best alone wobbles between
        neighbours, fewer themes are easier to read, and a lead can still split one); k-means
        over every insight, started from the sample's theme centres, settles the themes."""
        if len(data) > SILHOUETTE_SAMPLE:
            rng = np.random.default_rng(self.seed)
            sample = data[np.sort(rng.choice(len(data), SILHOUETTE_SAMPLE, replace=False))]
        else:
            sample = data
        tree = linkage(sample, method="ward")
        # Rows are unit length: cosine distance is one minus the dot product.
        distances = np.clip(1.0 - sample @ sample.T, 0.0, 2.0)
        np.fill_diagonal(distances, 0.0)
        cuts = {k: fcluster(tree, k, criterion="maxclust") for k in range(2, k_max + 1)}
        scores = {k: silhouette(distances, labels) for k, labels in cuts.items()}
        best = max(scores.values())
        floor = best - abs(best) * (1 - SILHOUETTE_SHARE)
        chosen = cuts[min(k for k, score in scores.items() if score >= floor)]
        centres = normalize(
            np.vstack([sample[chosen == label].mean(axis=0) for label in np.unique(chosen)])
        )
        model = KMeans(n_clusters=len(centres), init=centres, n_init=1, random_state=self.seed)
        return np.asarray(model.fit_predict(data))

    def describe(self, members: Sequence[int], *, banned: Iterable[str] = ()) -> Cluster:
        """Key terms, representative and similarities of a set of insights (positions). Terms
        containing a ``banned`` token (a known person's name) never name a theme."""
        if not members:
            raise ValueError("A theme has at least one insight.")
        index = np.asarray(sorted(set(members)))
        if self.vectors.shape[1] == 0:
            return Cluster([int(i) for i in index], [0.0] * len(index), [], int(index[0]))
        rows = self.vectors[index]
        centroid = rows.mean(axis=0)
        norm = float(np.linalg.norm(centroid))
        sims = rows @ (centroid / norm) if norm > 0 else np.zeros(len(index))
        order = np.lexsort((index, -sims))
        ordered = [int(index[i]) for i in order]
        similarities = [round(float(max(0.0, min(1.0, sims[i]))), 4) for i in order]
        return Cluster(ordered, similarities, self._key_terms(index, set(banned)), ordered[0])

    def _key_terms(self, index: np.ndarray, banned: set[str]) -> list[str]:
        inside = np.asarray(self.tfidf[index].mean(axis=0)).ravel()
        outside_count = self.size - len(index)
        if outside_count:
            total = np.asarray(self.tfidf.sum(axis=0)).ravel()
            outside = (total - inside * len(index)) / outside_count
            # Weigh what sets the theme apart from the rest of its group, not what every
            # insight of the group says.
            score = inside - 0.5 * outside
        else:
            score = inside
        top = [int(p) for p in np.argsort(-score, kind="stable")[:200] if score[p] > 0]
        candidates = [(str(self.terms[p]), float(score[p])) for p in top]
        candidates = [(t, w) for t, w in candidates if not banned.intersection(t.split())]
        chosen: list[str] = []
        for term, weight in candidates:
            if len(chosen) == KEY_TERMS:
                break
            if " " not in term:
                # The phrase reads better than its word alone ("prior authorization", not
                # "authorization" and "prior") when the phrase carries much of the word's weight.
                term = next(
                    (
                        t
                        for t, w in candidates
                        if " " in t and term in t.split() and w >= PHRASE_SHARE * weight
                    ),
                    term,
                )
            words = term.split()
            covered = {w for t in chosen for w in t.split()}
            if covered.issuperset(words):
                continue
            # A phrase replaces the single words it contains.
            chosen = [t for t in chosen if not (" " not in t and t in words)]
            chosen.append(term)
        return chosen


def _one_thread() -> threadpool_limits:
    """Numerical libraries on one thread: with the web workers and the task worker sharing
    the cores, their default thread pools were measured ten times slower here, and one core per
    regrouping keeps the rest of the site responsive."""
    return threadpool_limits(limits=1)


def silhouette(distances: np.ndarray, labels: np.ndarray) -> float:
    """The mean silhouette of a partition, from the square matrix of distances: for each
    point, how much nearer it is to its own cluster than to the nearest other one (-1 to 1; 0
    for a point alone in its cluster). Same definition as scikit-learn's ``silhouette_score``,
    computed with one matrix product: scikit-learn's per-chunk loop took fifty times longer,
    and the number of themes is chosen from dozens of these per group."""
    clusters, own, counts = np.unique(labels, return_inverse=True, return_counts=True)
    if len(clusters) < 2:
        return -1.0
    n = len(labels)
    members = np.zeros((n, len(clusters)), dtype=distances.dtype)
    members[np.arange(n), own] = 1.0
    sums = distances @ members
    others = counts[own] - 1
    inside = np.divide(sums[np.arange(n), own], others, out=np.zeros(n), where=others > 0)
    means = sums / counts
    means[np.arange(n), own] = np.inf
    nearest = means.min(axis=1)
    spread = np.maximum(inside, nearest)
    scores = np.divide(nearest - inside, spread, out=np.zeros(n), where=spread > 0)
    return float(np.where(others > 0, scores, 0.0).mean())


def group_texts(
    texts: Sequence[str],
    *,
    max_themes: int | None = None,
    seed: int = 0,
    banned: Iterable[str] = (),
) -> list[Cluster]:
    """Group texts into themes (pure): clusters of positions in ``texts``, largest first."""
    space = TextSpace(texts, seed=seed)
    banned_tokens = set(banned)
    return [
        space.describe(members, banned=banned_tokens)
        for members in space.cluster(max_themes=max_themes)
    ]


# Periods ----------------------------------------------------------------------------------

PERIODS = ("quarter", "month")


def period_of(day: date, period: str = "quarter") -> tuple[date, date]:
    """The first and last day of the quarter (or month) holding ``day``."""
    if period not in PERIODS:
        raise Invalid({"period": [f"Group by {' or '.join(PERIODS)}, not {period!r}."]})
    first_month = day.month if period == "month" else 3 * ((day.month - 1) // 3) + 1
    start = date(day.year, first_month, 1)
    last_month = first_month + (0 if period == "month" else 2)
    end = date(day.year, last_month, calendar.monthrange(day.year, last_month)[1])
    return start, end


def period_label(start: date, end: date) -> str:
    if (start, end) == period_of(start, "month"):
        return f"{start:%Y-%m}"
    if (start, end) == period_of(start, "quarter"):
        return f"{start.year} Q{(start.month - 1) // 3 + 1}"
    return f"{start:%Y-%m-%d} to {end:%Y-%m-%d}"


def months_between(start: date, end: date) -> list[str]:
    """Every month of the period, oldest first, as "2026-09"."""
    months = []
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


# The insights of a group and what the grouping makes of them ------------------------------

# Reviewed and still-waiting insights are grouped; rejected ones are not field signal, and a
# merged duplicate already counts through the insight it was merged into.
GROUPED_STATUSES = (InsightStatus.NEW, InsightStatus.ACCEPTED)


@dataclass(frozen=True)
class ThemeGroup:
    """Where themes are found: one therapeutic area, one product (or none), one period."""

    therapeutic_area: TherapeuticArea
    product: Product | None
    period_start: date
    period_end: date

    @property
    def label(self) -> str:
        product = self.product.name if self.product else "no product"
        period = period_label(self.period_start, self.period_end)
        return f"{self.therapeutic_area.code} · {product} · {period}"

    def themes(self) -> QuerySet[Theme]:
        return Theme.objects.filter(
            therapeutic_area=self.therapeutic_area,
            product=self.product,
            period_start=self.period_start,
            period_end=self.period_end,
        )

    def insights(self) -> QuerySet[Insight]:
        return Insight.objects.filter(
            therapeutic_area=self.therapeutic_area,
            product=self.product,
            captured_at__gte=_day_start(self.period_start),
            captured_at__lt=_day_start(self.period_end + timedelta(days=1)),
            status__in=GROUPED_STATUSES,
        )


@dataclass
class _Snapshot:
    """What the grouping reads: the group's insights (by id) and its themes with their
    memberships, plus a key that changes whenever any of it changes."""

    ids: list[int]
    texts: list[str]
    months: list[str]
    themes: dict[int, Theme]
    members: dict[int, dict[int, bool]]  # theme id → {insight id: pinned}
    # Memberships of insights that left the group since (rejected or merged): to delete.
    stale: int
    key: tuple[Any, ...]

    @property
    def position(self) -> dict[int, int]:
        return {pk: i for i, pk in enumerate(self.ids)}


def _themes_and_members(
    group: ThemeGroup, grouped: set[int]
) -> tuple[dict[int, Theme], dict[int, dict[int, bool]], int]:
    """The group's themes, their members among the ``grouped`` insights (insight id →
    pinned) and how many memberships point at insights that left the group."""
    themes = {t.pk: t for t in group.themes().order_by("pk")}
    members: dict[int, dict[int, bool]] = {pk: {} for pk in themes}
    stale = 0
    memberships = ThemeMembership.objects.filter(theme_id__in=list(themes)).order_by("pk")
    for theme_id, insight_id, pinned in memberships.values_list("theme_id", "insight_id", "pinned"):
        # An insight rejected or merged since leaves its themes, pinned or not.
        if insight_id in grouped:
            members[theme_id][insight_id] = pinned
        else:
            stale += 1
    return themes, members, stale


def _key(
    versions: Iterable[tuple[int, int]],
    themes: dict[int, Theme],
    members: dict[int, dict[int, bool]],
) -> tuple[Any, ...]:
    return (
        tuple(versions),
        tuple(
            (t.pk, t.status, t.name, t.named_by_id, t.released_at, t.merged_into_id)
            for t in themes.values()
        ),
        tuple((t, tuple(sorted(m.items()))) for t, m in members.items()),
    )


def _snapshot(group: ThemeGroup) -> _Snapshot:
    rows = list(group.insights().order_by("pk").values_list("pk", "text", "captured_at", "version"))
    themes, members, stale = _themes_and_members(group, {pk for pk, *_ in rows})
    return _Snapshot(
        ids=[pk for pk, *_ in rows],
        texts=[text for _, text, _, _ in rows],
        months=[f"{timezone.localtime(at):%Y-%m}" for _, _, at, _ in rows],
        themes=themes,
        members=members,
        stale=stale,
        key=_key(((pk, version) for pk, _, _, version in rows), themes, members),
    )


def _current_key(group: ThemeGroup) -> tuple[Any, ...]:
    """The snapshot's key as the database holds it now, without reading the texts."""
    versions = list(group.insights().order_by("pk").values_list("pk", "version"))
    themes, members, _ = _themes_and_members(group, {pk for pk, _ in versions})
    return _key(versions, themes, members)


@dataclass
class _ThemeState:
    """A theme as the grouping leaves it: members (insight id → pinned) and description."""

    theme: Theme | None  # None: a theme the grouping creates
    members: dict[int, bool]
    name: str = ""
    key_terms: list[str] = field(default_factory=list)
    representative_id: int | None = None
    similarity: dict[int, float] = field(default_factory=dict)
    trend: list[list[Any]] = field(default_factory=list)


@dataclass
class _Plan:
    states: list[_ThemeState]
    removed: list[Theme]


def _banned_tokens() -> set[str]:
    names, _ = known_names()
    return name_tokens(names)


def _home(member_ids: list[int], previous: dict[int, int]) -> tuple[int | None, int, int]:
    """The theme most of a cluster's already-themed insights were in (a majority, or none),
    with how many came from it and how many were themed at all."""
    counts = Counter(previous[i] for i in member_ids if i in previous)
    themed = sum(counts.values())
    if not counts:
        return None, 0, 0
    theme_id, overlap = min(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return (theme_id if 2 * overlap >= themed else None), overlap, themed


def _plan(group: ThemeGroup, snap: _Snapshot, banned: set[str], seed: int) -> _Plan:
    """Match the new clusters to the group's themes so the leads' edits hold:

    - a pinned membership (set by a lead's merge or split) stays where it is;
    - a cluster's *home* is the theme that held most (at least half) of its already-themed
      insights. The cluster joins its home if no other cluster overlaps that theme more, or if
      most of the overlap is pinned there: the grouping may cut what a lead merged into
      several clusters, and each of them follows the merge;
    - other clusters become new themes; themes left with no insights are removed unless a
      lead touched them (named, merged into, released, an action taken on them);
    - a theme a lead named keeps its name; a released one keeps the name and key terms
      medical released.
    """
    space = TextSpace(snap.texts, seed=seed)
    position = snap.position
    active = {pk: t for pk, t in snap.themes.items() if t.status == ThemeStatus.ACTIVE}
    pinned_in: dict[int, int] = {}
    previous: dict[int, int] = {}
    for theme_id in active:
        for insight_id, pinned in snap.members[theme_id].items():
            if pinned:
                pinned_in[insight_id] = theme_id
            previous.setdefault(insight_id, theme_id)
    previous.update(pinned_in)

    clusters = [[snap.ids[p] for p in members] for members in space.cluster()]
    homes = [_home(members, previous) for members in clusters]
    primary: dict[int, int] = {}
    for index, (home, overlap, _) in enumerate(homes):
        if home is not None and (home not in primary or overlap > homes[primary[home]][1]):
            primary[home] = index

    states = {
        pk: _ThemeState(t, {i: True for i, p in snap.members[pk].items() if p})
        for pk, t in active.items()
    }
    new_states: list[_ThemeState] = []
    for index, members in enumerate(clusters):
        free = [i for i in members if i not in pinned_in]
        home, _, themed = homes[index]
        if home is not None:
            pinned_there = sum(1 for i in members if pinned_in.get(i) == home)
            if primary[home] == index or 2 * pinned_there >= themed:
                states[home].members.update(dict.fromkeys(free, False))
                continue
        if len(free) >= MIN_THEME_SIZE:
            new_states.append(_ThemeState(None, dict.fromkeys(free, False)))

    removed = []
    kept: list[_ThemeState] = []
    for pk, state in states.items():
        theme = active[pk]
        if not state.members and _removable(theme):
            removed.append(theme)
        else:
            kept.append(state)
    months = months_between(group.period_start, group.period_end)
    for state in [*kept, *new_states]:
        _describe(state, space, position, snap, banned, months)
    return _Plan([*kept, *new_states], removed)


def _removable(theme: Theme) -> bool:
    """A theme no lead has touched: never named, merged into, released or acted on."""
    return (
        theme.named_by_id is None
        and theme.released_at is None
        and not Theme.objects.filter(merged_into=theme).exists()
        and not InsightAction.objects.filter(theme=theme).exists()
    )


def _describe(
    state: _ThemeState,
    space: TextSpace,
    position: dict[int, int],
    snap: _Snapshot,
    banned: set[str],
    months: list[str],
) -> None:
    theme = state.theme
    per_month = Counter(snap.months[position[i]] for i in state.members)
    state.trend = [[m, per_month.get(m, 0)] for m in months]
    if not state.members:
        # A theme a lead touched keeps its words until insights return to it.
        state.name = theme.name if theme else ""
        state.key_terms = list(theme.key_terms) if theme else []
        return
    described = space.describe([position[i] for i in state.members], banned=banned)
    state.similarity = {
        snap.ids[p]: s for p, s in zip(described.members, described.similarities, strict=True)
    }
    state.representative_id = snap.ids[described.representative]
    state.key_terms = described.key_terms
    state.name = described.name
    if theme is not None and theme.released_at is not None:
        state.name, state.key_terms = theme.name, list(theme.key_terms)
    elif theme is not None and theme.named_by_id is not None:
        state.name = theme.name


def _unchanged(plan: _Plan, snap: _Snapshot) -> bool:
    if snap.stale or plan.removed or any(s.theme is None for s in plan.states):
        return False
    stored = {
        (m.theme_id, m.insight_id): m.similarity
        for m in ThemeMembership.objects.filter(theme_id__in=list(snap.themes))
    }
    for state in plan.states:
        theme = state.theme
        assert theme is not None  # new themes returned above
        if (
            state.members != snap.members[theme.pk]
            or state.name != theme.name
            or state.key_terms != theme.key_terms
            or state.representative_id != theme.representative_id
            or len(state.members) != theme.size
            or state.trend != theme.trend
            or any(stored.get((theme.pk, i)) != s for i, s in state.similarity.items())
        ):
            return False
    return True


@dataclass(frozen=True)
class RegroupResult:
    group: ThemeGroup
    insights: int
    themes: list[Theme]
    created: int
    removed: int
    changed: bool
    seconds: float


def _lock_group(group: ThemeGroup) -> None:
    """Serialize regroupings and lead edits of one group. The area row is locked FOR NO KEY
    UPDATE, which still lets MSLs capture insights in that area meanwhile (their insert only
    takes a key-share lock on it); SQLite's IMMEDIATE transactions serialize writers already."""
    area = TherapeuticArea.objects.filter(pk=group.therapeutic_area.pk)
    list(area.select_for_update(no_key=True).values_list("pk", flat=True))
    list(group.themes().select_for_update().values_list("pk", flat=True))


def _regroup(group: ThemeGroup, actor: User | None, *, seed: int = 0) -> RegroupResult:
    started = monotonic()
    banned = _banned_tokens()
    # The clustering runs outside the transaction (seconds on a large group, and SQLite would
    # hold its write lock all that time); inside, the group is locked and read again, and
    # grouped again only if something moved in between.
    snap = _snapshot(group)
    plan = _plan(group, snap, banned, seed)
    with transaction.atomic():
        _lock_group(group)
        if _current_key(group) != snap.key:
            snap = _snapshot(group)
            plan = _plan(group, snap, banned, seed)
        created = sum(1 for s in plan.states if s.theme is None)
        changed = not _unchanged(plan, snap)
        if changed:
            _write(group, plan, snap, actor)
    themes = list(group.themes().filter(status=ThemeStatus.ACTIVE).order_by("-size", "pk"))
    return RegroupResult(
        group, len(snap.ids), themes, created, len(plan.removed), changed, monotonic() - started
    )


def _write(group: ThemeGroup, plan: _Plan, snap: _Snapshot, actor: User | None) -> None:
    now = timezone.now()
    theme_ids = list(snap.themes)
    # Memberships the grouping owns are rebuilt; a lead's pinned ones stay unless their
    # insight left the group (rejected or merged).
    ThemeMembership.objects.filter(theme_id__in=theme_ids).filter(
        Q(pinned=False) | ~Q(insight__status__in=GROUPED_STATUSES)
    ).delete()
    removed = [{"id": t.pk, "name": t.name, "size": t.size} for t in plan.removed]
    Theme.objects.filter(pk__in=[t.pk for t in plan.removed]).delete()
    created = [
        Theme(
            therapeutic_area=group.therapeutic_area,
            product=group.product,
            period_start=group.period_start,
            period_end=group.period_end,
            name=s.name,
        )
        for s in plan.states
        if s.theme is None
    ]
    Theme.objects.bulk_create(created)
    fresh = iter(created)
    for state in plan.states:
        if state.theme is None:
            state.theme = next(fresh)
    themes: list[Theme] = []
    new_rows: list[ThemeMembership] = []
    pinned_rows: list[ThemeMembership] = []
    pinned = {
        (m.theme_id, m.insight_id): m
        for m in ThemeMembership.objects.filter(theme_id__in=theme_ids, pinned=True)
    }
    for state in plan.states:
        theme = state.theme
        assert theme is not None
        theme.name, theme.key_terms = state.name[:200], state.key_terms
        theme.representative_id = state.representative_id
        theme.size, theme.trend = len(state.members), state.trend
        themes.append(theme)
        for insight_id, is_pinned in state.members.items():
            similarity = state.similarity.get(insight_id, 0.0)
            if is_pinned:
                row = pinned[(theme.pk, insight_id)]
                row.similarity = similarity
                pinned_rows.append(row)
            else:
                new_rows.append(
                    ThemeMembership(theme=theme, insight_id=insight_id, similarity=similarity)
                )
    for theme in themes:
        # One UPDATE per theme: bulk_update's CASE over JSON columns was several times slower.
        Theme.objects.filter(pk=theme.pk).update(
            name=theme.name,
            key_terms=theme.key_terms,
            representative_id=theme.representative_id,
            size=theme.size,
            trend=theme.trend,
            updated_at=now,
        )
    ThemeMembership.objects.bulk_update(pinned_rows, ["similarity"], batch_size=2000)
    ThemeMembership.objects.bulk_create(new_rows, batch_size=2000)
    themed = {i for s in plan.states for i in s.members}
    audit_record(
        actor=actor,
        action="theme.regroup",
        object_type="theme_group",
        object_id=group.label,
        object_repr=f"Themes of {group.label}",
        after={
            "insights": len(snap.ids),
            "unthemed": len(snap.ids) - len(themed),
            "themes": [
                {"id": t.pk, "name": t.name, "size": t.size}
                for t in sorted(themes, key=lambda t: (-t.size, t.pk))
            ],
            "created": [t.pk for t in created],
            "removed": removed,
        },
    )


# Services ---------------------------------------------------------------------------------


def theme_regroup(
    *,
    actor: User | None,
    therapeutic_area: TherapeuticArea,
    product: Product | None,
    period_start: date,
    period_end: date,
) -> list[Theme]:
    """Group the area's insights about the product in the period into themes again, keeping
    what medical leads decided (names, merges, splits). ``actor`` None is the nightly task."""
    if actor is not None:
        policy.require(actor, "theme", "change")
    if period_end < period_start:
        raise Invalid({"period_end": ["The end of the period is before its start."]})
    group = ThemeGroup(therapeutic_area, product, period_start, period_end)
    return _regroup(group, actor).themes


def theme_groups(
    *, area: str | None = None, period: str = "quarter", since: date | None = None
) -> list[ThemeGroup]:
    """Every group that has insights to group, or themes to tidy, in periods ending on or
    after ``since``; by area code, product name and period."""
    if period not in PERIODS:
        raise Invalid({"period": [f"Group by {' or '.join(PERIODS)}, not {period!r}."]})
    insights = Insight.objects.filter(status__in=GROUPED_STATUSES)
    themes = Theme.objects.all()
    if area:
        found = therapeutic_area_by_code(area)
        insights, themes = (
            insights.filter(therapeutic_area=found),
            themes.filter(therapeutic_area=found),
        )
    if since:
        insights = insights.filter(captured_at__gte=_day_start(period_of(since, period)[0]))
        themes = themes.filter(period_end__gte=since)
    keys: set[tuple[int, int | None, date, date]] = set()
    # The span of each area and product, then one indexed probe per period in it: truncating
    # every capture time to its month ran a Python function per row on SQLite (seconds at
    # 100,000 insights).
    spans = (
        insights.values_list("therapeutic_area_id", "product_id")
        .annotate(first=Min("captured_at"), last=Max("captured_at"))
        .order_by()
    )
    for area_id, product_id, first, last in spans:
        start, _ = period_of(timezone.localtime(first).date(), period)
        while start <= timezone.localtime(last).date():
            end = period_of(start, period)[1]
            held = insights.filter(
                therapeutic_area_id=area_id,
                product_id=product_id,
                captured_at__gte=_day_start(start),
                captured_at__lt=_day_start(end + timedelta(days=1)),
            )
            if held.exists():
                keys.add((area_id, product_id, start, end))
            start = end + timedelta(days=1)
    for area_id, product_id, start, end in themes.values_list(
        "therapeutic_area_id", "product_id", "period_start", "period_end"
    ).distinct():
        if (start, end) == period_of(start, period):
            keys.add((area_id, product_id, start, end))
    areas = TherapeuticArea.objects.in_bulk({k[0] for k in keys})
    products = Product.objects.in_bulk({k[1] for k in keys if k[1] is not None})
    groups = [
        ThemeGroup(areas[a], products[p] if p is not None else None, start, end)
        for a, p, start, end in keys
    ]
    return sorted(
        groups,
        key=lambda g: (
            g.therapeutic_area.code,
            g.product.name if g.product else "",
            g.period_start,
        ),
    )


def theme_regroup_all(
    *,
    actor: User | None = None,
    area: str | None = None,
    period: str = "quarter",
    since: date | None = None,
    progress: Callable[[int, int, RegroupResult], None] | None = None,
) -> list[RegroupResult]:
    """Regroup every group (of one area, periods ending on or after ``since``), each in its
    own transaction; ``progress(done, total, result)`` after each."""
    if actor is not None:
        policy.require(actor, "theme", "change")
    groups = theme_groups(area=area, period=period, since=since)
    results = []
    for done, group in enumerate(groups, start=1):
        result = _regroup(group, actor)
        results.append(result)
        if progress is not None:
            progress(done, len(groups), result)
    return results


def _group_of(theme: Theme) -> ThemeGroup:
    return ThemeGroup(theme.therapeutic_area, theme.product, theme.period_start, theme.period_end)


def _lock_theme(theme: Theme) -> Theme:
    current = (
        Theme.objects.select_for_update(of=("self",))
        .select_related("therapeutic_area", "product")
        .get(pk=theme.pk)
    )
    if current.status != ThemeStatus.ACTIVE:
        raise Conflict(f"Theme “{current.name}” was merged into another theme.")
    return current


def _refresh(themes: Sequence[Theme]) -> None:
    """Describe themes again after a lead moved insights between them: key terms,
    representative, size, trend and similarities, in the words of their whole group."""
    group = _group_of(themes[0])
    snap = _snapshot(group)
    space = TextSpace(snap.texts)
    months = months_between(group.period_start, group.period_end)
    banned = _banned_tokens()
    for theme in themes:
        state = _ThemeState(theme, snap.members[theme.pk])
        _describe(state, space, snap.position, snap, banned, months)
        theme.name, theme.key_terms = state.name[:200], state.key_terms
        theme.representative_id = state.representative_id
        theme.size, theme.trend = len(state.members), state.trend
        theme.save()
        rows = list(ThemeMembership.objects.filter(theme=theme))
        for row in rows:
            row.similarity = state.similarity.get(row.insight_id, 0.0)
        ThemeMembership.objects.bulk_update(rows, ["similarity"], batch_size=2000)


def _clean_name(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise Invalid({"name": ["Name the theme."]})
    if len(name) > 200:
        raise Invalid({"name": [f"{len(name)} characters; a theme name is at most 200."]})
    return name


def _identifiers_in(text: str) -> list[str]:
    names, institutions = known_names()
    return list(remaining_identifiers(text, names, institutions))


def theme_rename(*, actor: User, theme: Theme, name: str) -> Theme:
    """A medical lead names a theme in their own words; later groupings keep the name."""
    policy.require(actor, "theme", "change", theme)
    name = _clean_name(name)
    with transaction.atomic():
        current = _lock_theme(theme)
        if current.released_at is not None:
            left = _identifiers_in(name)
            if left:
                raise Invalid(
                    {
                        "name": [
                            f"This theme is released; the name still identifies: {', '.join(left)}."
                        ]
                    }
                )
        before = {"name": current.name}
        current.name, current.named_by = name, actor
        current.save(update_fields=["name", "named_by", "updated_at"])
        audit_record(
            actor=actor,
            action="theme.rename",
            object_type="theme",
            object_id=current.pk,
            object_repr=str(current)[:200],
            before=before,
            after={"name": name},
        )
    return current


def theme_merge(*, actor: User, theme: Theme, into: Theme) -> Theme:
    """A medical lead merges a theme into another of the same group: its insights move there,
    pinned, so later groupings keep them together (and send insights like them there)."""
    policy.require(actor, "theme", "change", theme)
    policy.require(actor, "theme", "change", into)
    if theme.pk == into.pk:
        raise Invalid({"into": ["A theme cannot be merged into itself."]})
    with transaction.atomic():
        _lock_group(_group_of(theme))
        source, target = _lock_theme(theme), _lock_theme(into)
        if _group_of(source) != _group_of(target):
            raise Invalid(
                {"into": ["Merge themes of the same therapeutic area, product and period."]}
            )
        if source.released_at is not None:
            raise Conflict(
                f"Theme “{source.name}” is released to commercial; merge other themes into it "
                "instead."
            )
        there = set(
            ThemeMembership.objects.filter(theme=target).values_list("insight_id", flat=True)
        )
        moving = ThemeMembership.objects.filter(theme=source)
        moved = sorted(moving.values_list("insight_id", flat=True))
        moving.filter(insight_id__in=there).delete()
        moving.update(theme=target, pinned=True)
        ThemeMembership.objects.filter(theme=target).update(pinned=True)
        source.status, source.merged_into = ThemeStatus.MERGED, target
        source.size, source.trend, source.representative = 0, [], None
        source.save()
        _refresh([target])
        audit_record(
            actor=actor,
            action="theme.merge",
            object_type="theme",
            object_id=source.pk,
            object_repr=str(source)[:200],
            before={"status": ThemeStatus.ACTIVE},
            after={"merged_into": target.pk, "into_name": target.name, "insights": moved},
        )
    return target


def theme_split(*, actor: User, theme: Theme, insight_ids: Sequence[int], name: str) -> Theme:
    """A medical lead takes some insights out of a theme into a new one they name. Both
    sides are pinned: later groupings keep the line the lead drew."""
    policy.require(actor, "theme", "change", theme)
    name = _clean_name(name)
    wanted = set(insight_ids)
    if not wanted:
        raise Invalid({"insight_ids": ["Choose the insights that form the new theme."]})
    with transaction.atomic():
        _lock_group(_group_of(theme))
        source = _lock_theme(theme)
        members = set(
            ThemeMembership.objects.filter(theme=source).values_list("insight_id", flat=True)
        )
        strangers = sorted(wanted - members)
        if strangers:
            raise Invalid({"insight_ids": [f"Not in this theme: {strangers}."]})
        if wanted == members:
            raise Invalid(
                {"insight_ids": ["Leave at least one insight in the theme (or rename it)."]}
            )
        new = Theme.objects.create(
            therapeutic_area=source.therapeutic_area,
            product=source.product,
            period_start=source.period_start,
            period_end=source.period_end,
            name=name,
            named_by=actor,
        )
        ThemeMembership.objects.filter(theme=source, insight_id__in=wanted).update(
            theme=new, pinned=True
        )
        ThemeMembership.objects.filter(theme=source).update(pinned=True)
        _refresh([source, new])
        audit_record(
            actor=actor,
            action="theme.split",
            object_type="theme",
            object_id=source.pk,
            object_repr=str(source)[:200],
            after={"new_theme": new.pk, "name": name, "insights": sorted(wanted)},
        )
    return new


def theme_release(*, actor: User, theme: Theme, summary: str) -> Theme:
    """A medical lead releases a theme to commercial with a de-identified summary: its name,
    key terms, size, trend and its released insights cross the firewall, nothing else.
    Refused while the summary or the name still identifies a person, an institution or a date,
    or while none of its insights is released."""
    policy.require(actor, "theme", "release", theme)
    summary = (summary or "").strip()
    if not summary:
        raise Invalid({"summary": ["Write the summary commercial will read."]})
    if len(summary) > INSIGHT_MAX_CHARS:
        raise Invalid({"summary": [f"At most {INSIGHT_MAX_CHARS:,} characters."]})
    left = _identifiers_in(summary)
    if left:
        raise Invalid({"summary": [f"Still identifies: {', '.join(left)}. Remove it first."]})
    with transaction.atomic():
        current = _lock_theme(theme)
        named = _identifiers_in(f"{current.name}. {'; '.join(current.key_terms)}")
        if named:
            raise Invalid(
                {
                    "name": [
                        f"The theme's name or key terms identify: {', '.join(named)}. "
                        "Rename it first."
                    ]
                }
            )
        released = ThemeMembership.objects.filter(
            theme=current, insight__released_at__isnull=False
        ).count()
        if not released:
            raise Conflict(
                "Release at least one of the theme's insights first: commercial sees a theme "
                "through its released insights."
            )
        before = {"released_at": current.released_at, "summary": current.released_summary}
        current.released_at, current.released_summary = timezone.now(), summary
        current.save(update_fields=["released_at", "released_summary", "updated_at"])
        audit_record(
            actor=actor,
            action="theme.release",
            object_type="theme",
            object_id=current.pk,
            object_repr=str(current)[:200],
            before=before,
            after={
                "released_at": current.released_at,
                "summary": summary,
                "released_insights": released,
            },
        )
    return current
