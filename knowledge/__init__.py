"""Knowledge base and retrieval: normalise → segment (jieba) → embed → index (faiss, bm25) → search → answer.

Nothing here imports flask, rasa_sdk or wechatpy; importing the package does no work.
"""
