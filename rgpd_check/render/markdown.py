"""Markdown report for tickets and merge requests (GitLab, GitHub, Gitea).

Third-party text is escaped so a quote can neither inject HTML, links nor break a table;
only http(s) URLs become links.
"""

from __future__ import annotations

import re
from typing import Any, ClassVar

from rgpd_check.render.i18n import Messages, check_lang
from rgpd_check.render.interface import Renderer
from rgpd_check.render.safety import is_http_url, markdown_url
from rgpd_check.render.view import ReportView, build_view, no_evidence_key, status_key

# Colour for the eye, text for everyone: the label always follows the marker.
LEVEL_MARKERS = {
    "recommande": "🟢",
    "precautions": "🟡",
    "deconseille": "🟠",
    "a-proscrire": "🔴",
    "a-verifier": "⚪",
}

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|&#!~])")
# ASCII whitespace only: no-break spaces in quotes and French texts are kept.
_SPACES = re.compile(r"[ \t\r\n\f\v]+")


def md(text: object) -> str:
    """Third-party text made inert in Markdown, on one line (safe in table cells)."""
    return _MD_SPECIAL.sub(r"\\\1", _SPACES.sub(" ", str(text)).strip())


def code(text: object) -> str:
    """A code span that survives backticks in its content."""
    value = _SPACES.sub(" ", str(text)).strip()
    longest = max((len(run) for run in re.findall(r"`+", value)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if value.startswith("`") or value.endswith("`") else ""
    return f"{fence}{pad}{value}{pad}{fence}"


def link(url: object, text: str | None = None) -> str:
    """A link for http(s) URLs, escaped text for anything else (``javascript:`` stays text)."""
    if isinstance(url, str) and is_http_url(url):
        target = markdown_url(url)
        return f"<{target}>" if text is None else f"[{md(text)}]({target})"
    # A code span: GFM never autolinks inside one, so a near-URL stays inert text.
    return code(url) if text is None else md(text)


def quote_block(text: str, indent: str = "") -> list[str]:
    """A quotation as a Markdown blockquote, line breaks kept, content escaped."""
    lines = [line for line in str(text).splitlines() if line.strip()] or [""]
    return [f"{indent}> {md(line)}" for line in lines]


def table(header: list[str], rows: list[list[str]]) -> list[str]:
    """A GFM table; cells must already be escaped."""
    out = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    out += ["| " + " | ".join(row) + " |" for row in rows]
    return out


class _Writer:
    """Builds the Markdown of one report in one language."""

    def __init__(self, view: ReportView, messages: Messages) -> None:
        self.view = view
        self.r = view.report
        self.m = messages
        self.t = messages.t
        self.lines: list[str] = []

    def add(self, *lines: str) -> None:
        self.lines.extend(lines)

    def heading(self, level: int, text: str) -> None:
        if self.lines and self.lines[-1] != "":
            self.add("")
        self.add(f"{'#' * level} {text}", "")

    def prose(self, text: object) -> str:
        """Rule and policy texts, typeset in the report's language, then escaped."""
        return md(self.m.prose(text, self.r.get("lang")))

    def labelled(self, key: str, value: str) -> str:
        return self.t("format.label_value", label=f"**{self.t(key)}**", value=value)

    def level(self, level: str) -> str:
        return f"{LEVEL_MARKERS.get(level, '')} **{self.m.label('level', level)}**".strip()

    def severity(self, finding: dict[str, Any]) -> str:
        return self.m.label("severity", finding.get("severity", ""))

    def write(self) -> str:
        self.header()
        self.level_section()
        self.actions()
        self.risks()
        self.unknowns()
        self.safeguards()
        self.evidence()
        self.annex()
        footer = self.t("document.generated_by", version=md(self.r["rgpd_check_version"]))
        self.add("", "---", "", f"_{footer}_")
        return "\n".join(self.lines).rstrip("\n") + "\n"

    def header(self) -> None:
        r, t = self.r, self.t
        self.add(f"# {t('document.title', tool=md(r['tool']['name']))}", "")
        self.add(
            t(
                "format.label_value",
                label=f"**{t('level.heading')}**",
                value=self.level(r["level"]),
            ),
            "",
        )
        if r.get("override"):
            summary = t("level.summary_override", level=self.m.label("level", r["level"]))
        else:
            summary = t(f"level.summary.{r['level']}")
        self.add(summary, "")
        urls = self.m.join([link(url) for url in r["tool"]["urls"]])
        self.add(f"- {self.labelled('header.urls', urls)}")
        vendor = r["tool"].get("vendor") or {}
        if vendor.get("name"):
            self.add(f"- {self.labelled('header.vendor', md(vendor['name']))}")
        if self.view.operator_kind:
            operator = md(self.m.label("operator", self.view.operator_kind))
            self.add(f"- {self.labelled('header.operator', operator)}")
        self.add(f"- {self.labelled('header.audited_at', md(self.m.when(r['audited_at'])))}")
        context = r["context"]
        value = t(
            "header.context_value",
            audience=md(self.m.label("audience", context["audience"])),
            school_level=md(self.m.label("school_level", context["school_level"])),
        )
        note = t("header.context_default" if context.get("is_default") else "header.context_custom")
        self.add(f"- {self.labelled('header.context', f'{value} ({note})')}")

    def reason_badge(self, reason: dict[str, Any]) -> str:
        effect = reason.get("effect", "decisive")
        if effect in ("unknown", "safeguard", "adjusted", "not_applicable"):
            return self.m.label("reason", effect)
        if "severity" not in reason:
            return ""
        severity = self.m.label("severity", reason["severity"])
        if effect in ("capped", "raised"):
            return f"{severity}** · **{self.m.label('reason', effect)}"
        return severity

    def level_section(self) -> None:
        r, t, view = self.r, self.t, self.view
        self.heading(2, t("level.reasons"))
        for reason in view.lead_reasons:
            self.add(f"**{self.prose(reason['title'])}**", "")
        by_rule = view.by_rule
        for reason in view.finding_reasons:
            badge = self.reason_badge(reason)
            prefix = f"**{badge}** · " if badge else ""
            finding = by_rule.get(str(reason["rule"]))
            note = ""
            if finding and reason.get("effect") != "unknown" and finding.get("reliability"):
                note = f" — {self.m.label('reliability', finding['reliability'])}"
            self.add(f"- {prefix}{self.prose(reason['title'])} ({code(reason['rule'])}){note}")
        if not view.finding_reasons and not view.lead_reasons:
            self.add(t("level.no_reasons"))
        if view.policy_reasons:
            self.add("", f"**{t('level.context_heading')}**", "")
            for reason in view.policy_reasons:
                self.add(f"- **{self.reason_badge(reason)}** · {self.prose(reason['title'])}")
        context = t(
            "header.context_value",
            audience=self.m.label("audience", r["context"]["audience"]),
            school_level=self.m.label("school_level", r["context"]["school_level"]),
        )
        self.add("", f"_{t('level.for_context', context=md(context))}_")
        self.coverage()
        if self.view.show_computed:
            self.add("", t("level.computed", level=self.level(r["computed_level"])))
        override = r.get("override")
        if override:
            self.heading(2, t("override.heading"))
            self.add(t("level.overridden_note"), "")
            self.add(f"- {self.labelled('override.level', self.level(override['level']))}")
            self.add(f"- {self.labelled('override.who', md(override['who']))}")
            self.add(f"- {self.labelled('override.what', md(override['what']))}")
            self.add(f"- {self.labelled('override.date', md(self.m.when(override['date'])))}")
            self.add(f"- {self.labelled('override.source', link(override['source']))}")

    def coverage(self) -> None:
        c, m, t = self.view.coverage, self.m, self.t
        self.add("", f"**{t('coverage.heading')}**", "")
        access = t("coverage.authenticated") if c["authenticated"] else t("coverage.public")
        browser = t("coverage.browser_yes") if c["browser"] else t("coverage.browser_no")
        self.add(f"- {access}, {browser}.")
        pages = m.tn("coverage.pages", c["pages"])
        docs = m.tn("coverage.documents_read", c["documents_read"])
        not_read = m.tn("coverage.documents_not_read", c["documents_not_read"])
        self.add(f"- {pages} · {docs}, {not_read}.")
        if c["failures"]:
            state = m.tn("coverage.failures", c["failures"]) + "."
        elif c["complete"]:
            state = t("coverage.complete")
        else:
            state = m.label("annex.collection_status", self.r["collection"]["status"])
        self.add(f"- {state} {t('coverage.see_annex')}")

    def actions(self) -> None:
        self.heading(2, self.t("actions.heading"))
        actions = self.r.get("actions") or []
        self.add(*(f"{n}. {self.prose(action)}" for n, action in enumerate(actions, 1)))
        if not actions:
            self.add(self.t("actions.none"))

    def risks(self) -> None:
        t = self.t
        self.heading(2, t("group.risks"))
        header = [
            t("finding.rule"),
            t("finding.severity"),
            t("finding.reliability"),
            t("finding.title"),
            t("finding.recommendation"),
        ]
        any_risk = False
        for family in self.view.families:
            if not family.risks:
                continue
            any_risk = True
            self.heading(3, self.m.label("family", family.id))
            rows = [
                [
                    code(f["rule"]),
                    self.severity(f),
                    self.m.label("reliability", f["reliability"]),
                    self.prose(f["title"]),
                    self.prose(f["recommendation"]),
                ]
                for f in family.risks
            ]
            self.add(*table(header, rows))
        if not any_risk:
            self.add(t("group.none"))

    def unknowns(self) -> None:
        t = self.t
        self.heading(2, t("group.unknowns"))
        unknowns = self.view.all_unknowns
        if not unknowns:
            self.add(t("group.none"))
            return
        self.add(t("group.unknowns_intro"), "")
        header = [
            t("finding.rule"),
            t("finding.family"),
            t("finding.severity"),
            t("finding.title"),
            t("finding.recommendation"),
        ]
        rows = [
            [
                code(f["rule"]),
                self.m.label("family", f["family"]),
                self.severity(f),
                self.prose(f["title"]),
                self.prose(f["recommendation"]),
            ]
            for f in unknowns
        ]
        self.add(*table(header, rows))

    def safeguards(self) -> None:
        self.heading(2, self.t("group.safeguards"))
        for f in self.view.all_safeguards:
            reliability = self.m.label("reliability", f["reliability"])
            self.add(f"- {code(f['rule'])} {self.prose(f['title'])} ({reliability})")
        if not self.view.all_safeguards:
            self.add(self.t("group.none"))

    def evidence(self) -> None:
        shown = self.view.all_risks + self.view.all_unknowns
        if not shown:
            return
        self.heading(2, self.t("finding.evidence"))
        for f in shown:
            self.heading(3, f"{code(f['rule'])} {self.prose(f['title'])}")
            self.add(f"- {self.labelled('finding.status', self.t(status_key(f)))}")
            if f.get("gdpr"):
                refs = self.m.join([md(self.m.gdpr(g)) for g in f["gdpr"]])
                self.add(f"- {self.labelled('finding.gdpr', refs)}")
            for item in f.get("evidence", []):
                self.add(*self.evidence_item(item))
            if not f.get("evidence"):
                self.add(f"- {self.t(no_evidence_key(f))}")
            if f.get("evidence_truncated"):
                count = self.m.number(f["evidence_truncated"])
                self.add(f"- {self.t('finding.evidence_truncated', count=count)}")

    def evidence_item(self, item: dict[str, Any]) -> list[str]:
        kind = self.m.label("evidence", item.get("type", ""))
        if item.get("type") == "dns":
            answer = self.t(
                "evidence.dns_answer",
                host=item.get("host", ""),
                rtype=item.get("rtype", ""),
                answer=item.get("answer", ""),
            )
            lines = [f"- {self.labelled_raw(kind, code(answer))}"]
        else:
            parts = [code(item["host"])] if "host" in item else []
            parts += [md(item["answer"])] if "answer" in item else []
            parts += [link(item["url"])] if "url" in item else []
            if "start" in item and "end" in item:
                parts.append(
                    self.t(
                        "evidence.chars",
                        start=self.m.number(item["start"]),
                        end=self.m.number(item["end"]),
                    )
                )
            lines = [f"- {self.labelled_raw(kind, ' · '.join(parts))}"]
        if "warc_record_id" in item:
            lines.append(f"  - {self.labelled('evidence.warc', code(item['warc_record_id']))}")
        if "source" in item:
            lines.append(f"  - {self.labelled('evidence.source', md(item['source']))}")
        if "quote" in item:
            lines += ["", *quote_block(item["quote"], indent="  "), ""]
        return lines

    def labelled_raw(self, label: str, value: str) -> str:
        return self.t("format.label_value", label=f"**{label}**", value=value)

    def annex(self) -> None:
        r, t, m = self.r, self.t, self.m
        scope, collection = r["scope"], r["collection"]
        self.heading(2, t("annex.heading"))
        access = "annex.authenticated" if scope.get("authenticated") else "annex.public_pages_only"
        self.add(f"- {t(access)}")
        if scope.get("browser"):
            mode = scope.get("browser_mode")
            browser = (
                t("annex.browser_yes", mode=md(m.label("browser_mode", mode)))
                if mode
                else t("annex.browser_yes_no_mode")
            )
        else:
            browser = t("annex.browser_no")
        self.add(f"- {browser}")
        if "pages_examined" in scope or "requests" in scope:
            pages = m.number(scope.get("pages_examined", 0))
            self.add(
                f"- {t('annex.pages', pages=pages, requests=m.number(scope.get('requests', 0)))}"
            )
        for src in scope.get("ip_data_sources") or []:
            self.add(f"- {self.labelled('annex.ip_data_sources', self.ip_source(src))}")
        self.add(f"- {m.label('annex.collection_status', collection['status'])}")

        read = scope.get("documents_read") or []
        if read:
            self.heading(3, t("annex.documents_read"))
            self.add(
                *table(
                    [t("annex.document_type"), t("annex.url")],
                    [[self.doc_type(d), link(d.get("url", ""))] for d in read],
                )
            )
        not_read = scope.get("documents_not_read") or []
        if not_read:
            self.heading(3, t("annex.documents_not_read"))
            self.add(
                *table(
                    [t("annex.document_type"), t("annex.url"), t("annex.reason")],
                    [[self.doc_type(d), link(d.get("url", "")), self.reason(d)] for d in not_read],
                )
            )
        failures = self.view.failures
        if failures:
            self.heading(3, t("annex.failures"))
            self.add(
                *table(
                    [t("annex.purpose"), t("annex.url"), t("annex.reason"), t("annex.detail")],
                    [
                        [
                            self.purpose(f),
                            link(f.get("url", "")),
                            self.reason(f),
                            md(f.get("detail", "")),
                        ]
                        for f in failures
                    ],
                )
            )
        guesses = self.view.guesses
        if guesses:
            self.heading(3, t("annex.guesses", count=m.number(len(guesses))))
            self.add(t("annex.guesses_intro"), "")
            self.add(*(f"- {link(g.get('url', ''))} · {self.reason(g)}" for g in guesses))
        not_collected = self.view.not_collected
        if not_collected:
            self.heading(3, t("annex.not_collected"))
            for item in not_collected:
                what = item.get("what", item.get("url", item.get("item", "?")))
                self.add(f"- {md(what)} · {self.reason(item)}")
        if self.view.screenshots:
            self.heading(3, t("annex.screenshots"))
            self.add(t("annex.screenshots_md"), "")
            self.add(*(f"- {code(shot['path'])}" for shot in self.view.screenshots))
        self.bundle()
        self.heading(3, t("annex.versions"))
        self.add(f"- {self.labelled('annex.version_tool', md(r['rgpd_check_version']))}")
        self.add(f"- {self.labelled('annex.version_rules', md(r['rules_version']))}")
        policy = r.get("policy_version")
        policy_text = md(policy) if policy else t("annex.none")
        self.add(f"- {self.labelled('annex.version_policy', policy_text)}")
        self.add(f"- {self.labelled('annex.version_schema', md(r['schema_version']))}")
        replaced = r.get("replaced_rules") or []
        if replaced:
            self.heading(3, t("annex.replaced_rules"))
            self.add(
                *table(
                    [t("annex.replaced_rule"), t("annex.builtin_file"), t("annex.user_file")],
                    [
                        [
                            code(x.get("rule", "?")),
                            code(x.get("builtin_file", "")),
                            code(x.get("user_file", "")),
                        ]
                        for x in replaced
                    ],
                )
            )

    def ip_source(self, src: dict[str, Any]) -> str:
        name = src.get("description") or " ".join(
            str(part)
            for part in (src.get("name") or src.get("source") or "?", src.get("version"))
            if part
        )
        parts = [md(name)]
        data_date = src.get("data_date") or src.get("date")
        if data_date:
            parts.append(self.t("annex.ip_data_date", date=md(self.m.when(str(data_date)))))
        if src.get("stale"):
            parts.append(f"**{self.t('annex.ip_data_stale')}**")
        if isinstance(src.get("answered"), int):
            parts.append(self.m.tn("annex.ip_data_answered", src["answered"]))
        return " · ".join(parts)

    def bundle(self) -> None:
        t = self.t
        bundle = self.r.get("evidence_bundle") or {}
        if not bundle:
            return
        self.heading(3, t("annex.bundle"))
        self.add(f"- {self.labelled('annex.bundle_path', code(bundle.get('path', '')))}")
        manifest = bundle.get("manifest_sha256")
        manifest_text = code(manifest) if manifest else t("annex.none")
        self.add(f"- {self.labelled('annex.manifest', manifest_text)}")
        files = bundle.get("files") or []
        if files:
            self.add("")
            rows = [
                [
                    code(f.get("path", f.get("name", "?"))),
                    code(f.get("sha256", "")),
                    self.m.size(f["size"]) if isinstance(f.get("size"), int) else "",
                ]
                for f in files
            ]
            self.add(*table([t("annex.file"), t("annex.sha256"), t("annex.size")], rows))

    def doc_type(self, doc: dict[str, Any]) -> str:
        kind = doc.get("type")
        return md(self.m.label("document_type", kind)) if kind else self.t("annex.none")

    def reason(self, item: dict[str, Any]) -> str:
        reason = item.get("reason")
        return md(self.m.failure(reason)) if reason else self.t("annex.none")

    def purpose(self, item: dict[str, Any]) -> str:
        kind = item.get("purpose") or item.get("stage")
        return md(self.m.label("purpose", kind)) if kind else ""


class MarkdownRenderer(Renderer):
    """Markdown for tickets and merge requests: level, reasons, actions, tables, annex."""

    name: ClassVar[str] = "md"
    extension: ClassVar[str] = "md"

    def render(self, report: dict[str, Any], *, lang: str) -> str:
        """The whole Markdown document."""
        check_lang(lang)
        return _Writer(build_view(report), Messages(lang)).write()
