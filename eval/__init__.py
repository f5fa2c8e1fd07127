"""Answer-quality evaluation of the policy retriever."""
