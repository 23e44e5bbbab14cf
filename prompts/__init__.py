"""Prompt variants for multimodal LLMs and parsing of their answers.

Empty until the MLLM work lands; the package exists so the distribution's layout is stable.
"""

__all__: list[str] = []
