"""The Streamlit app's pages and helpers. ``app.py`` wires them; all retrieval lives in ``retriever``."""
