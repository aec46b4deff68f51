"""A seeded corpus of realistic documents (sentences of the real 高台县 2021 report, the domain
reference's section headings and table labels) and a brute-force oracle to check search results."""

from __future__ import annotations

import datetime as dt
import random
import re
from dataclasses import dataclass
from pathlib import Path

from search.analysis import normalize
from search.api import SearchDocument

SAMPLE = Path("/work/shared/domain/sample-report-gaotai-religion-2021.txt")
_FALLBACK = (
    "政务公开工作是加强和改进依法行政的重要内容和举措。推进“互联网+政务服务”，优化审批服务流程。"
    "2021年，我局未收到公民、法人或其他组织要求公开政府信息的申请。本年度未发生政府信息公开行政复议、行政诉讼案件。"
)
HEADINGS = ["一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
            "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项"]
LABELS = ["本年新收政府信息公开申请数量", "上年结转政府信息公开申请数量", "予以公开", "部分公开",
          "不予公开", "属于国家秘密", "本机关不掌握相关政府信息", "信访举报投诉类申请", "结转下年度继续办理",
          "行政许可", "行政处罚", "行政强制", "行政事业性收费", "本年制发件数", "现行有效件数"]
PUBLISHERS = [
    ("高台县民族宗教事务局", ["县民宗局", "民宗局"]),
    ("青山县教育局", ["县教育局", "教育局"]),
    ("青山县民政局", ["县民政局"]),
    ("青山县人民政府办公室", ["县政府办"]),
    ("青山县自然资源局", ["县自然资源局"]),
]
PORTALS = ["gaotai", "qingshan"]


def sentences() -> list[str]:
    """Sentences of the real report (split at 。；), with the fallback when the sample is absent."""
    text = SAMPLE.read_text(encoding="utf-8") if SAMPLE.exists() else _FALLBACK
    parts = [p.strip() for p in re.split(r"(?<=[。；;])", text) if len(p.strip()) >= 8]
    return [p for p in parts if not p.startswith(tuple(HEADINGS))]


@dataclass
class Corpus:
    docs: list[SearchDocument]

    def by_id(self, doc_id: int) -> SearchDocument:
        return next(d for d in self.docs if d.document_id == doc_id)

    def containing(self, run: str, field: str = "any") -> set[int]:
        """Brute force: documents whose title or body (or section N) holds ``run`` exactly."""
        needle = normalize(run)
        out = set()
        for d in self.docs:
            if field == "any":
                texts = [d.title, d.body]
            elif field.startswith("section"):
                texts = [d.sections.get(int(field[-1]), "")]
            else:
                texts = [getattr(d, field)]
            if any(needle in normalize(t) for t in texts):
                out.add(d.document_id)
        return out


def make_corpus(n: int = 120, seed: int = 7) -> Corpus:
    """``n`` documents: annual reports with six sections, notices and documents, seeded."""
    rnd = random.Random(seed)
    pool = sentences()
    docs = []
    for i in range(1, n + 1):
        publisher, aliases = rnd.choice(PUBLISHERS)
        kind = rnd.choices(["annual_report", "notice", "document"], weights=[6, 3, 1])[0]
        year = rnd.randint(2018, 2023) if kind == "annual_report" else None
        published = dt.datetime(2019, 1, 1) + dt.timedelta(days=rnd.randint(0, 1800), minutes=rnd.randint(0, 1439))
        if kind == "annual_report":
            sections = {}
            for number in range(1, len(HEADINGS) + 1):
                chosen = rnd.sample(pool, rnd.randint(1, 3))
                if rnd.random() < 0.3:
                    chosen.append(rnd.choice(LABELS) + f"{rnd.randint(0, 40)}件。")
                sections[number] = "".join(chosen)
            body = "\n".join(f"{HEADINGS[n - 1]}\n{t}" for n, t in sections.items())
            title = f"{publisher}{year}年政府信息公开工作年度报告"
        else:
            sections = {}
            body = "".join(rnd.sample(pool, rnd.randint(2, 5)))
            title = f"{publisher}关于{rnd.choice(LABELS)}的通知" if kind == "notice" else \
                f"{publisher}{rnd.choice(LABELS)}工作方案（{rnd.randint(1, 99)}号）"
        docs.append(SearchDocument(
            document_id=i, title=title, body=body, sections=sections, publisher=publisher,
            publisher_aliases=aliases, report_year=year, kind=kind, published_at=published,
            portal=rnd.choice(PORTALS), url=f"http://127.0.0.1/doc/{i}.html", version_id=i * 10,
            capture_id=i * 100,
        ))
    return Corpus(docs)


def cjk_runs(text: str) -> list[str]:
    return re.findall(r"[\u4e00-\u9fff]+", text)


def sample_terms(corpus: Corpus, length: int, k: int, seed: int = 3) -> list[str]:
    """``k`` distinct CJK substrings of ``length`` characters taken from the corpus bodies."""
    rnd = random.Random(seed)
    runs = [r for d in corpus.docs for r in cjk_runs(d.body) if len(r) >= length]
    terms: set[str] = set()
    while len(terms) < k:
        run = rnd.choice(runs)
        start = rnd.randint(0, len(run) - length)
        terms.add(run[start: start + length])
    return sorted(terms)
