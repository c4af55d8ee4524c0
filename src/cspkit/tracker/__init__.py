"""The Community Safety Plan tracker: plan, themes, actions, updates and the two registers."""
