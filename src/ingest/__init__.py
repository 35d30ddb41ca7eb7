"""Add an article (#11): a news text in, reviewed and geocoded draft claims out.

Pure code (no Streamlit): ``proposal.read_article`` reads the text, ``proposal.propose``
finds its places, dates, figures, claimants and types, and ``save.save_article`` writes the
accepted drafts with their source and new places in one conflict-checked step.
"""
