"""A throw-away certificate authority and per-SNI server certificates.

All valid leaf certificates share one key, so a browser can be told to trust them with
a single SPKI pin (``spki_hash``) while the faulty ones (other key) still fail.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import ipaddress
import ssl
import threading
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

WRONG_NAME = "wrong-name.invalid"
_ONE_DAY = dt.timedelta(days=1)


def _name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "rgpd-check testweb"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


class _Authority:
    """One CA: key + self-signed certificate."""

    def __init__(self, common_name: str) -> None:
        self.key = ec.generate_private_key(ec.SECP256R1())
        now = dt.datetime.now(dt.UTC)
        public = self.key.public_key()
        self.cert = (
            x509.CertificateBuilder()
            .subject_name(_name(common_name))
            .issuer_name(_name(common_name))
            .public_key(public)
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - _ONE_DAY)
            .not_valid_after(now + dt.timedelta(days=3650))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(
                x509.KeyUsage(
                    digital_signature=True,
                    content_commitment=False,
                    key_encipherment=False,
                    data_encipherment=False,
                    key_agreement=False,
                    key_cert_sign=True,
                    crl_sign=True,
                    encipher_only=False,
                    decipher_only=False,
                ),
                critical=True,
            )
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
            .sign(self.key, hashes.SHA256())
        )

    def issue(
        self,
        name: str,
        key: ec.EllipticCurvePrivateKey,
        not_before: dt.datetime,
        not_after: dt.datetime,
    ) -> x509.Certificate:
        try:
            alt: x509.GeneralName = x509.IPAddress(ipaddress.ip_address(name))
        except ValueError:
            alt = x509.DNSName(name)
        ca_public = self.key.public_key()
        return (
            x509.CertificateBuilder()
            .subject_name(_name(name))
            .issuer_name(self.cert.subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(not_before)
            .not_valid_after(not_after)
            .add_extension(x509.SubjectAlternativeName([alt]), critical=False)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_public), critical=False
            )
            .add_extension(
                x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False
            )
            .sign(self.key, hashes.SHA256())
        )


def _pem(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)


def _key_pem(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


class TestCA:
    """Trusted test CA (``ca_path``) plus an untrusted one for the ``unknown_ca`` fault."""

    __test__ = False  # not a pytest test class

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        directory.mkdir(parents=True, exist_ok=True)
        self._ca = _Authority("rgpd-check testweb CA")
        self._rogue = _Authority("rgpd-check testweb UNTRUSTED CA")
        self._good_key = ec.generate_private_key(ec.SECP256R1())
        self._fault_key = ec.generate_private_key(ec.SECP256R1())
        self.ca_path = directory / "testweb-ca.pem"
        self.ca_path.write_bytes(_pem(self._ca.cert))
        self._lock = threading.Lock()
        self._contexts: dict[tuple[str, str | None], ssl.SSLContext] = {}

    @property
    def spki_hash(self) -> str:
        """base64(sha256(SPKI)) of every valid leaf, for Chromium's
        ``--ignore-certificate-errors-spki-list``."""
        der = self._good_key.public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        return base64.b64encode(hashlib.sha256(der).digest()).decode("ascii")

    def context_for(self, name: str, fault: str | None = None) -> ssl.SSLContext:
        """Server context presenting a certificate for ``name`` (or a faulty one); cached."""
        name = name.lower().rstrip(".")
        with self._lock:
            ctx = self._contexts.get((name, fault))
            if ctx is None:
                ctx = self.make_context(name, fault)
                self._contexts[(name, fault)] = ctx
            return ctx

    def make_context(self, name: str, fault: str | None = None) -> ssl.SSLContext:
        """A new (uncached) server context for ``name``."""
        now = dt.datetime.now(dt.UTC)
        authority, key = self._ca, self._good_key
        not_before, not_after = now - _ONE_DAY, now + dt.timedelta(days=90)
        cert_name = name
        if fault is not None:
            key = self._fault_key
        if fault == "expired":
            not_before, not_after = now - dt.timedelta(days=60), now - dt.timedelta(days=30)
        elif fault == "wrong_name":
            cert_name = WRONG_NAME
        elif fault == "unknown_ca":
            authority = self._rogue
        cert = authority.issue(cert_name, key, not_before, not_after)
        safe = "".join(c if c.isalnum() or c in ".-" else "_" for c in name) or "default"
        path = self.directory / f"leaf-{safe}-{fault or 'ok'}.pem"
        path.write_bytes(_pem(cert) + _key_pem(key))
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(path)
        ctx.set_alpn_protocols(["http/1.1"])
        return ctx

    def client_context(self) -> ssl.SSLContext:
        """Client context trusting only the test CA (handy in tests)."""
        return ssl.create_default_context(cafile=str(self.ca_path))
