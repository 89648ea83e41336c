"""Citizen feedback: data requests, support, comments, ratings, the steward
workflow and the publication priority queue (Decree 47/2020 Art. 17(1)(h):
the data people and businesses need most is provided first)."""
