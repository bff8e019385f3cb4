"""Video consultations, gateway side: specialists, the per-institution queue, the signalling relay and
short-lived TURN credentials. The gateway relays signalling only; media goes peer to peer (DTLS-SRTP)
through the TURN server, and the gateway keeps only times, institution, outcome and the kiosk's id.
"""
