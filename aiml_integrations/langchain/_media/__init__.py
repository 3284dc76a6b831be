"""AI/ML API image, video and speech models as LangChain tools.

Public names are re-exported (lazily) from ``aiml_integrations.langchain``.
"""
