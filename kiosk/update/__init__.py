"""The kiosk's update service: A/B system updates with signed RAUC bundles (docs/updates.md).

``policy`` holds the pure decisions (when to install, when to reboot, how to resume a download, what the
heartbeat reports); ``bundle`` checks a bundle with RAUC before anything installs it.
"""
