"""Questions that cite a place by its number: does search put the place first, and does ``ask`` answer from it?

``python benchmarks/cited_places.py``

For every article of every law in the corpus, "《专利法》第四十二条规定了什么？" and "What does Article 42 of the Patent
Law say?" (the law's title without 中华人民共和国 / "of the People's Republic of China"); for every chapter of the
primary document, "规划第五章讲了什么？" and "What does Chapter 5 of the plan say?". These questions are generated
from the corpus's own numbering, never from an evaluation set. Prints, per kind and language: how often the top hit is
a clause of the cited place, and how often ``ask`` answers with its first quote from that place. Figures are printed,
never asserted.
"""

from __future__ import annotations

from collections import defaultdict

from retriever.config import models_offline
from retriever.ingest.text import int_to_cn

PRC_EN = " of the People's Republic of China"


def questions(corpus) -> list[tuple[str, str, str, str]]:
    """(kind, language, question, the cited place's anchor)."""
    out = []
    for doc in corpus.documents.values():
        articles = sorted({c.anchor.split(".p")[0] for c in doc.clauses if ".a" in c.anchor},
                          key=lambda a: int(a.rsplit(".a", 1)[1].split("-")[0]))
        short_zh = doc.meta.title.replace("中华人民共和国", "")
        short_en = (doc.meta.title_en or "").replace(PRC_EN, "")
        for article in articles:
            if "-" in article.rsplit(".a", 1)[1]:
                continue  # 第X条之Y: none in the bundled laws
            n = int(article.rsplit(".a", 1)[1])
            out.append(("article", "zh", f"《{short_zh}》第{int_to_cn(n)}条规定了什么？", article))
            out.append(("article", "en", f"What does Article {n} of the {short_en} say?", article))
    primary = corpus.documents[corpus.primary_id]
    chapters = sorted({c.anchor.split(".")[0].split(":")[1] for c in primary.clauses if ":ch" in c.anchor},
                      key=lambda ch: int(ch[2:]))
    for chapter in chapters:
        n = int(chapter[2:])
        if n == 0:
            continue  # the preface
        anchor = f"{primary.doc_id}:{chapter}"
        out.append(("chapter", "zh", f"规划第{int_to_cn(n)}章讲了什么？", anchor))
        out.append(("chapter", "en", f"What does Chapter {n} of the plan say?", anchor))
    return out


def main() -> None:
    models_offline()
    from retriever.answer.extractive import Answerer
    from retriever.search.open import open_searcher

    searcher = open_searcher()
    answerer = Answerer(searcher)
    asked = questions(searcher.corpus)
    counts: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0])
    for kind, lang, question, place in asked:
        inside = lambda anchor: anchor == place or anchor.startswith(place + ".")  # noqa: E731
        hits = searcher.search(question, k=1).hits
        answer = answerer.ask(question)
        row = counts[kind, lang]
        row[0] += 1
        row[1] += bool(hits) and inside(hits[0].anchor)
        row[2] += answer.answered and bool(answer.sentences) and inside(answer.sentences[0].anchor)
    print("| kind | language | questions | top hit in the place | answered from the place |")
    print("|---|---|---|---|---|")
    for (kind, lang), (n, top, answered) in sorted(counts.items()):
        print(f"| {kind} | {lang} | {n} | {top / n:.3f} ({top}) | {answered / n:.3f} ({answered}) |")


if __name__ == "__main__":
    main()
