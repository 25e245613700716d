"""Local stand-ins for the payment providers, speaking their documented protocols on 127.0.0.1."""
