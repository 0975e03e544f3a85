package io.switchover.notifier.handshake;

import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

/**
 * Binds a TLS peer to the node id it announces: a certificate signed by the pair's CA is not
 * enough, it must also name the node (subject CN or a DNS subject alternative name), so one node's
 * certificate cannot be used to pose as the other.
 */
final class CertificateIdentity {
    private CertificateIdentity() {}

    /** The names a certificate vouches for: its subject CN values and DNS SANs. */
    static List<String> names(X509Certificate cert) {
        List<String> names = new ArrayList<>();
        try {
            for (Rdn rdn : new LdapName(cert.getSubjectX500Principal().getName()).getRdns()) {
                if ("CN".equalsIgnoreCase(rdn.getType())) {
                    names.add(String.valueOf(rdn.getValue()));
                }
            }
        } catch (InvalidNameException e) {
            // An unparseable subject names nothing; the SANs may still.
        }
        try {
            Collection<List<?>> sans = cert.getSubjectAlternativeNames();
            if (sans != null) {
                for (List<?> san : sans) {
                    if (san.size() >= 2 && Integer.valueOf(2).equals(san.get(0))) {
                        names.add(String.valueOf(san.get(1)));
                    }
                }
            }
        } catch (CertificateParsingException e) {
            // No usable SANs.
        }
        return names;
    }
}
