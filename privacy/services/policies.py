"""Policy versions: publishing, the version in force, acceptance (explicit or by continued use), diffs."""

from __future__ import annotations

import difflib
import re
from typing import Any

from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import Max, QuerySet
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from merchants.models import User
from privacy.errors import AlreadyPublished
from privacy.models import PolicyAcceptance, PolicyVersion

CACHE_KEY = "privacy:policies-in-force"
CACHE_SECONDS = 60
SESSION_KEY = "privacy_policies_seen"


def create_draft(
    *, kind: str, effective_at: Any, bodies: dict[str, str], summaries: dict[str, str] | None = None
) -> PolicyVersion:
    """A new, unpublished version of a policy, numbered after the last one."""
    summaries = summaries or {}
    with transaction.atomic():
        versions = PolicyVersion.objects.select_for_update(of=("self",)).filter(kind=kind)
        last = versions.aggregate(n=Max("version"))["n"] or 0
        return PolicyVersion.objects.create(
            kind=kind,
            version=last + 1,
            effective_at=effective_at,
            **{f"body_{lang}": text for lang, text in bodies.items()},
            **{f"summary_{lang}": text for lang, text in summaries.items()},
        )


def publish(*, version: PolicyVersion, by: User) -> PolicyVersion:
    """Publish a draft: from then on it cannot change, and it applies from its effective date."""
    with transaction.atomic():
        version = PolicyVersion.objects.select_for_update(of=("self",)).get(pk=version.pk)
        if version.is_published:
            raise AlreadyPublished()
        version.published_at = timezone.now()
        version.published_by = by
        version.save(update_fields=["published_at", "published_by"])
    cache.delete(CACHE_KEY)
    return version


def published(kind: str) -> QuerySet[PolicyVersion]:
    """The published versions of a policy, newest first."""
    return PolicyVersion.objects.filter(kind=kind, published_at__isnull=False).order_by("-version")


def in_force(kind: str, *, at: Any = None) -> PolicyVersion | None:
    """The version of a policy that applies now (or at `at`)."""
    return published(kind).filter(effective_at__lte=at or timezone.now()).first()


def previous(version: PolicyVersion) -> PolicyVersion | None:
    """The published version before this one, if any."""
    return published(version.kind).filter(version__lt=version.version).first()


def versions_in_force() -> list[int]:
    """The ids of the versions in force for every kind (cached for a minute)."""
    ids = cache.get(CACHE_KEY)
    if ids is None:
        ids = sorted(v.pk for kind in PolicyVersion.Kind.values if (v := in_force(kind)) is not None)
        cache.set(CACHE_KEY, ids, CACHE_SECONDS)
    return ids


def accept(*, user: User, version: PolicyVersion, method: str = PolicyAcceptance.Method.EXPLICIT) -> PolicyAcceptance:
    """Record that `user` accepts `version` (an explicit acceptance replaces one by continued use)."""
    acceptance, created = PolicyAcceptance.objects.get_or_create(
        user=user, version=version, defaults={"method": method}
    )
    if not created and method == PolicyAcceptance.Method.EXPLICIT and acceptance.method != method:
        acceptance.method = method
        acceptance.at = timezone.now()
        acceptance.save(update_fields=["method", "at"])
    return acceptance


def note_continued_use(*, user: User, session: Any) -> list[PolicyVersion]:
    """On a member's visit, record continued use of each version in force they have not accepted yet.

    The store's policy says continuing to use the portal after a change is acceptance. Returns the
    versions that replaced one the member had accepted before, so the page can tell them what changed.
    Costs no query while the versions in force are the ones this session already checked.
    """
    current = versions_in_force()
    if session.get(SESSION_KEY) == current:
        return []
    accepted = set(
        PolicyAcceptance.objects.filter(user=user, version_id__in=current).values_list("version_id", flat=True)
    )
    changed: list[PolicyVersion] = []
    for version in PolicyVersion.objects.filter(pk__in=set(current) - accepted):
        try:
            with transaction.atomic():
                PolicyAcceptance.objects.create(
                    user=user, version=version, method=PolicyAcceptance.Method.CONTINUED_USE
                )
        except IntegrityError:
            continue  # accepted meanwhile in another request
        if PolicyAcceptance.objects.filter(
            user=user, version__kind=version.kind, version__version__lt=version.version
        ).exists():
            changed.append(version)
    session[SESSION_KEY] = current
    return changed


def acceptances_of(*, user: User) -> QuerySet[PolicyAcceptance]:
    """A member's acceptances, newest first."""
    return PolicyAcceptance.objects.filter(user=user).select_related("version").order_by("-at")


_WORDS = re.compile(r"\s+|[^\s\w]|\w+", re.UNICODE)


def _paragraphs(text: str) -> list[str]:
    return [p.strip() for p in re.split(r"\n\s*\n", text.replace("\r\n", "\n")) if p.strip()]


def _word_diff(old: str, new: str) -> str:
    a, b = _WORDS.findall(old), _WORDS.findall(new)
    out: list[str] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            out.append(escape("".join(a[i1:i2])))
            continue
        if op in ("delete", "replace"):
            out.append(f'<del class="diff-removed">{escape("".join(a[i1:i2]))}</del>')
        if op in ("insert", "replace"):
            out.append(f'<ins class="diff-added">{escape("".join(b[j1:j2]))}</ins>')
    return "".join(out)


def diff_html(old_text: str, new_text: str) -> SafeString:
    """A readable diff of two policy texts: paragraphs added, removed or changed, with changed words marked.

    Only CSS classes (`diff-added`, `diff-removed`, `diff-changed`), no inline styles; every text is escaped.
    """
    old, new = _paragraphs(old_text), _paragraphs(new_text)
    blocks: list[str] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if op == "equal":
            blocks += [f'<p class="diff-same">{escape(p)}</p>' for p in old[i1:i2]]
        elif op == "delete":
            blocks += [f'<p class="diff-removed"><del>{escape(p)}</del></p>' for p in old[i1:i2]]
        elif op == "insert":
            blocks += [f'<p class="diff-added"><ins>{escape(p)}</ins></p>' for p in new[j1:j2]]
        else:
            pairs = list(zip(old[i1:i2], new[j1:j2], strict=False))
            blocks += [f'<p class="diff-changed">{_word_diff(a, b)}</p>' for a, b in pairs]
            blocks += [f'<p class="diff-removed"><del>{escape(p)}</del></p>' for p in old[i1 + len(pairs) : i2]]
            blocks += [f'<p class="diff-added"><ins>{escape(p)}</ins></p>' for p in new[j1 + len(pairs) : j2]]
    return mark_safe("\n".join(blocks))  # noqa: S308 - built only from escaped text and our own tags
