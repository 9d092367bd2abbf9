"""The scale-out deployment: replicas of Rasa, the action server and the app behind nginx, sharing
PostgreSQL and Redis (`make run-cluster`; README, Cluster)."""
