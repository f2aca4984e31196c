"""Screening an article before any model sees it: normalise, then reject what cannot be processed.

Every rejection is a ``RecordError`` with a code a user can filter on; the run goes on.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Collection, Sequence
from typing import Any

from summarize.choices import DuplicateIds, LanguageCheck
from summarize.config import known_languages
from summarize.records import Article, RecordError, Work
from summarize.text.languages import base_language, is_language_code
from summarize.text.normalise import looks_like_html, normalise_text

# Share of control characters and U+FFFD above which a text is taken for binary data.
BINARY_SHARE = 0.1
LANGUAGE_SAMPLE_CHARS = 2000


def binary_reason(text: str) -> str | None:
    if "\x00" in text:
        return f"contains NUL bytes (first at character {text.index(chr(0))})"
    sample = text[:65536]
    odd = sum(1 for c in sample if (ord(c) < 32 and c not in "\t\n\r") or c == "\ufffd")
    if sample and odd / len(sample) > BINARY_SHARE:
        return f"{odd / len(sample):.0%} of the first {len(sample)} characters are control or undecodable characters"
    return None


class Screen:
    def __init__(
        self,
        *,
        html: bool = True,
        duplicate_ids: DuplicateIds = DuplicateIds.error,
        language_check: LanguageCheck = LanguageCheck.process,
        target_langs: Collection[str] = (),
        summariser_languages: Sequence[str] | None = None,
        summariser_name: str | None = None,
        dedupe: bool = True,
    ) -> None:
        """``html``, ``duplicate_ids``, ``language_check``: as source.* says; ``target_langs``:
        the languages asked for with +lang (a record may be in one without a conf/lang file);
        ``summariser_languages``: the only languages the summariser takes (None: any), refused
        otherwise with ``summariser_name`` in the message."""
        self.html = html
        self.duplicate_ids = duplicate_ids
        self.language_check = language_check
        self.target_langs = frozenset(target_langs)
        self.summariser_languages = summariser_languages
        self.summariser_name = summariser_name
        # Off in Ray actors: ids are deduplicated once, on the driver, across all windows.
        self.deduplicate = dedupe
        self.seen_ids: set[bytes] = set()  # 16-byte digests: memory per article, not per character

    def _id_digest(self, article_id: str) -> bytes:
        return hashlib.blake2b(article_id.encode("utf-8"), digest_size=16).digest()

    def remember(self, article_id: str | None) -> None:
        if article_id is not None:
            self.seen_ids.add(self._id_digest(article_id))

    def dedupe(self, article: Article) -> Article | RecordError:
        # Parallel test sets repeat a sentence id once per target language (FLORES: fr and fa).
        digest = self._id_digest(
            f"{article.id}\x00{article.target_lang}" if article.target_lang else article.id
        )
        if digest not in self.seen_ids:
            self.seen_ids.add(digest)
            return article
        if self.duplicate_ids == DuplicateIds.error:
            return RecordError(
                "duplicate_id",
                f"id {article.id!r} was already read; source.duplicate_ids=suffix keeps both",
                id=article.id,
                origin=article.origin,
                lang=article.lang,
            )
        n = 2
        while self._id_digest(f"{article.id}#{n}") in self.seen_ids:
            n += 1
        new_id = f"{article.id}#{n}"
        self.seen_ids.add(self._id_digest(new_id))
        return Article(
            **{
                **article.__dict__,
                "id": new_id,
                "notes": (*article.notes, f"duplicate id {article.id!r} renamed {new_id!r}"),
            }
        )

    def check(self, article: Article | RecordError, key: str) -> Work | RecordError:
        if isinstance(article, RecordError):  # already rejected (a duplicate, on the Ray driver)
            return article
        if self.deduplicate:
            deduped = self.dedupe(article)
            if isinstance(deduped, RecordError):
                return deduped
            article = deduped

        def error(code: str, message: str) -> RecordError:
            return RecordError(
                code, message, id=article.id, origin=article.origin, lang=article.lang
            )

        article, problem = self._declared_language(article)
        if problem:
            return problem
        raw = article.text
        if raw == "":
            return error("empty_text", "the text is empty")
        if not raw.strip():
            return error("whitespace_only", "the text is only whitespace")
        reason = binary_reason(raw)
        if reason:
            return error("binary_content", f"looks like binary data: {reason}")
        started = time.perf_counter()
        text = normalise_text(raw, article.lang, html=self.html)
        if not text:
            if looks_like_html(raw):
                return error("html_without_text", "HTML markup with no visible text")
            return error("empty_text", "no text left after normalisation")
        notes = list(article.notes)
        article, problem, language = self._language(article, text, notes)
        if problem:
            return problem
        languages = self.summariser_languages
        if languages and article.lang not in languages:
            undeclared = (
                f" (no language was declared; the text reads as {article.lang!r})"
                if language and not language["declared"]
                else ""
            )
            return error(
                "unsupported_language",
                f"summarizer {self.summariser_name} summarises {list(languages)}, not "
                f"{article.lang!r}{undeclared}; use summarizer=mt5-xlsum or summarizer=extractive",
            )
        sha = hashlib.sha256(text.encode("utf-8")).hexdigest()
        return Work(
            article=article,
            text=text,
            sha256=sha,
            input_key=key,
            notes=notes,
            normalise_s=time.perf_counter() - started,
            language=language,
        )

    def _declared_language(self, article: Article) -> tuple[Article, RecordError | None]:
        """A record's lang must name a configured language (it picks configs, never a path);
        a regional variant of one (fa-IR, en_US) is read as its base language."""
        known = known_languages() | self.target_langs
        if article.lang in known:
            return article, None
        base = base_language(article.lang)
        if is_language_code(article.lang) and base in known:
            notes = (*article.notes, f"lang {article.lang!r} read as {base!r}")
            return Article(**{**article.__dict__, "lang": base, "notes": notes}), None
        shown = article.lang if len(article.lang) <= 40 else article.lang[:40] + "..."
        return article, RecordError(
            "unsupported_language",
            f"lang {shown!r} is not a configured language ({', '.join(sorted(known))}); "
            "fix the record or add conf/lang/<code>.yaml",
            id=article.id,
            origin=article.origin,
            lang=shown,
        )

    def _language(
        self, article: Article, text: str, notes: list[str]
    ) -> tuple[Article, RecordError | None, dict[str, Any] | None]:
        """The declared language against the text's (lingua). A mismatch is a check that flags
        the record for review; an undeclared language (the default) is routed to the detected
        one when conf/lang has it, whatever the policy but skip (and off: no detection)."""
        policy = self.language_check
        if policy == LanguageCheck.off:
            return article, None, None
        from summarize.checks.langid import detect_language

        detected = detect_language(text[:LANGUAGE_SAMPLE_CHARS], article.lang)
        if detected is None or detected == base_language(article.lang):
            return article, None, None
        declared = article.lang if article.lang_declared else None
        message = (
            f"declared {article.lang!r} but the text reads as {detected!r}"
            if declared
            else f"no language declared (default {article.lang!r}) and the text reads as "
            f"{detected!r}"
        )
        if policy == "skip":
            return (
                article,
                RecordError(
                    "language_mismatch",
                    f"{message}; source.language_check=process keeps it",
                    id=article.id,
                    origin=article.origin,
                    lang=article.lang,
                ),
                None,
            )
        routed = policy == "route" or not declared
        if routed and detected in known_languages() | self.target_langs:
            notes.append(f"{message}: processed as {detected!r}")
            article = Article(**{**article.__dict__, "lang": detected})
        elif not declared:
            notes.append(
                f"{message}, which has no conf/lang/{detected}.yaml: processed as {article.lang!r}"
            )
        else:
            notes.append(message)
        check = {
            "declared": declared,
            "detected": detected,
            "processed_as": article.lang,
            "flag": True,
        }
        return article, None, check
