"""Every interface string in Chinese and English; ``t(lang, key)`` picks one."""

from __future__ import annotations

LANGS = {"zh": "中文", "en": "English"}
PAGES = ("ask", "search", "read", "check")

STRINGS: dict[str, dict[str, str]] = {
    "zh": {
        "app_title": "湖北科技创新规划 · 条款检索与引用核对",
        "ask": "问答", "search": "检索", "read": "阅读", "check": "核对引用", "page": "页面",
        "document": "文档", "chapter": "章节", "preface": "序言", "all": "全部条款", "other": "其他条款",
        "all_docs": "全部文档", "all_chapters": "全部章节",
        "doc_number": "文号", "issuer": "发布机关", "issued": "发布日期", "published": "公布日期",
        "effective": "施行日期",
        "matter": "前后附文", "notice": "通知", "contents": "目录", "annexes": "附件", "toc": "目录导航",
        "legend": "标记", "notes": "损伤与修复说明", "no_notes": "本章没有损伤标记。",
        "linked": "链接指向的条款", "no_clauses": "本章没有条款。",
        "unknown": "找不到条款锚点 {anchor}。最接近的锚点：{near}", "no_near": "（没有相近的锚点）",
        "load_failed": "语料库加载失败：",
        "lost": "缺字（原文丢失，以〓代替）", "inferred": "推断修复（合理但非原文）",
        "structural": "结构修复（取自同一文件他处）",
        "ask_prompt": "请提问，例如：湖北在光纤和激光器方面打算发展哪些产品？",
        "ask_help": "用中文、繁體或英文提问。回答只引用文件原文，每句附条款锚点；所检索的文件没有写的，会直接说明。",
        "ask_scope": "回答依据", "ask_all": "全部文档",
        "nearest": "最接近的条款", "answered_in": "用时 {ms} 毫秒",
        "traditional_of": "繁体", "en_clause_scope": "（整段英文，未逐句对齐）",
        "en_source_reference": "参考译文", "en_source_machine": "机器翻译", "en_source_terms": "词语释义",
        "export_md": "导出 Markdown", "export_csv": "导出 CSV", "share": "分享链接",
        "clear": "清空对话",
        "query": "检索词或问题（中文、繁體或英文）", "hits": "显示条数", "no_hits": "没有找到相关条款。",
        "why": "匹配原因", "matched": "匹配词", "dense": "语义相似度", "fused": "融合得分", "rank": "排名",
        "fused_rank": "融合排名", "lexical": "词法（BM25）", "semantic": "语义（向量）", "english_bm25": "英文 BM25",
        "not_ranked": "未进入该路前列", "chart": "命中条款在各章的分布（前 {n} 条）", "show_en_hits": "显示英文",
        "show_en": "并排显示英文", "en_reference": "英文：参考译文（人工审校）",
        "en_machine": "英文：机器翻译（非参考译文）", "en_terms": "英文：仅词语释义（此文档无参考译文；悬停查看释义）",
        "check_prompt": "粘贴引文、条款锚点或出处（如 第五章第一节第二段、Chapter 5 Section 1、专利法第二十四条）",
        "check_button": "核对", "verdict": "结论", "verbatim": "与原文一致", "unconfirmed": "基本一致（涉及缺字或推断修复，无法完全核实）",
        "altered": "与原文不符", "not_found": "语料中找不到", "resolved": "出处已定位",
        "differences": "差异（引文 → 原文）", "clause_in_context": "原文及上下文", "previous": "上一条", "next": "下一条",
        "citation_zh": "中文引用格式", "citation_en": "英文引用格式", "also_found": "相同文字也见于：", "places": "所引各处：",
        "similarity": "相似度", "check_notes": "说明",
        "loading": "正在加载模型和索引…", "building": "首次启动：正在建立索引（约半分钟）…",
        "error": "出错了：", "unexpected": "发生意外错误，已记录。请换一种说法再试。",
        "open_clause": "打开条款", "guide": "使用说明",
        "guide_text": "**问答**：直接提问，得到文件原文句子及其锚点（默认检索全部文档）。**检索**：按相关度列出条款，可按文档和章节筛选。"
                      "**阅读**：按目录逐章阅读，〓为原文缺字，斜体下划线为推断修复。**核对引用**：粘贴一句引文或出处，"
                      "查看是否与原文一致。",
    },
    "en": {
        "app_title": "Hubei S&T Innovation Plan · clause search and citation check",
        "ask": "Ask", "search": "Search", "read": "Read", "check": "Check citation", "page": "Page",
        "document": "Document", "chapter": "Chapter", "preface": "Preface", "all": "All clauses",
        "other": "Other clauses", "all_docs": "All documents", "all_chapters": "All chapters",
        "doc_number": "Doc. no.", "issuer": "Issuer", "issued": "Issued", "published": "Published",
        "effective": "Effective",
        "matter": "Front and back matter", "notice": "Notice", "contents": "Contents", "annexes": "Annexes",
        "toc": "Table of contents",
        "legend": "Marks", "notes": "Damage and repair notes", "no_notes": "No damage marks in this chapter.",
        "linked": "Linked clause", "no_clauses": "This chapter has no clauses.",
        "unknown": "Unknown clause anchor {anchor}. Nearest anchors: {near}", "no_near": "(no similar anchors)",
        "load_failed": "The corpus could not be loaded: ",
        "lost": "lost (missing in the source, shown as 〓)", "inferred": "inferred (plausible, not verbatim)",
        "structural": "structural (restored from elsewhere in the document)",
        "ask_prompt": "Ask a question, e.g. Which optical fibre and laser products will Hubei develop?",
        "ask_help": "Ask in English, Chinese or Traditional Chinese. Answers quote only the documents' own sentences, "
                    "each with its clause anchor; when the documents searched do not say, the answer says so.",
        "ask_scope": "Answer from", "ask_all": "All documents",
        "nearest": "Nearest clauses", "answered_in": "answered in {ms} ms",
        "en_source_reference": "reference translation", "en_source_machine": "machine translation",
        "en_source_terms": "term glosses",
        "traditional_of": "Traditional", "en_clause_scope": "(the whole clause's English; "
        "sentences not aligned)",
        "export_md": "Export Markdown", "export_csv": "Export CSV", "share": "Share link", "clear": "Clear chat",
        "query": "Search words or a question (Chinese, Traditional or English)", "hits": "Results",
        "no_hits": "No matching clauses.",
        "why": "Why this matched", "matched": "matched terms", "dense": "similarity", "fused": "fused score",
        "rank": "rank", "fused_rank": "fused rank", "lexical": "lexical (BM25)", "semantic": "semantic (vectors)",
        "english_bm25": "English BM25", "not_ranked": "not in this leg's top results",
        "chart": "Where the hits fall, by chapter (top {n})", "show_en_hits": "Show English",
        "show_en": "Show English side by side", "en_reference": "English: reference translation (reviewed)",
        "en_machine": "English: machine translation (not the reference)",
        "en_terms": "English: term glosses only (no reference translation for this document; hover for glosses)",
        "check_prompt": "Paste a quote, a clause anchor or a reference (e.g. 第五章第一节第二段, Chapter 5 Section 1, "
                        "Patent Law Art. 24)",
        "check_button": "Check", "verdict": "Verdict", "verbatim": "Verbatim: matches the plan",
        "unconfirmed": "Matches, but rests on lost or inferred characters that cannot be confirmed",
        "altered": "Altered: differs from the source", "not_found": "Not found in the corpus",
        "resolved": "Reference resolved",
        "differences": "Differences (quote → source)", "clause_in_context": "The clause in context",
        "previous": "Previous clause", "next": "Next clause", "citation_zh": "Citation (Chinese)",
        "citation_en": "Citation (English)", "also_found": "The same text also occurs in:",
        "places": "The places cited:", "similarity": "similarity",
        "check_notes": "Notes",
        "loading": "Loading models and index…", "building": "First start: building the index (about half a minute)…",
        "error": "Error: ", "unexpected": "Something unexpected went wrong and was logged. Please try rephrasing.",
        "open_clause": "Open clause", "guide": "How to use",
        "guide_text": "**Ask**: ask a question and get the documents' own sentences with their anchors (all documents "
                      "by default). **Search**: ranked "
                      "clauses, filtered by document and chapter. **Read**: chapter by chapter; 〓 is a character lost "
                      "in the source, dotted italics an inferred restoration. **Check citation**: paste a quote or "
                      "reference to see whether it matches the plan.",
    },
}


def t(lang: str, key: str, **kw: object) -> str:
    """The interface string ``key`` in ``lang`` (Chinese or English)."""
    return STRINGS[lang][key].format(**kw)
