using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace CaptionBoundaries.Tests.Support;

/// <summary>A self-signed certificate for a test cluster (or for an outsider), written as a password-protected PKCS#12 file.</summary>
public static class ClusterCertificate
{
    public static X509Certificate2 Create(string subject)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={subject}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, true));
        // Each node is a TLS server to its peers and a client of them.
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], false));
        using var made = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        // Round-trip through PKCS#12 so the private key is usable by SslStream on Linux (not an ephemeral key).
        return X509CertificateLoader.LoadPkcs12(made.Export(X509ContentType.Pkcs12, "x"), "x");
    }

    public static X509Certificate2 WriteTo(string path, string password, string subject = "caption-boundaries-cluster")
    {
        var certificate = Create(subject);
        File.WriteAllBytes(path, certificate.Export(X509ContentType.Pkcs12, password));
        return certificate;
    }
}
