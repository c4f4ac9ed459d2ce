using System.Data.Common;
using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace CaptionBoundaries.Infrastructure.Configuration;

/// <summary>The value rules settings are built from; each returns an error message or null.</summary>
internal static class SettingRules
{
    public static Func<string?, IConfiguration, string?> OneOf(params string[] allowed) => (value, _) =>
        value is null || allowed.Contains(value.Trim(), StringComparer.OrdinalIgnoreCase)
            ? null
            : $"is '{value}'; expected one of: {string.Join(", ", allowed)}.";

    public static Func<string?, IConfiguration, string?> WholeNumber(int min, int max) => (value, _) =>
        value is null || (int.TryParse(value.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max)
            ? null
            : $"is '{value}'; expected a whole number from {min} to {max}.";

    public static Func<string?, IConfiguration, string?> Duration(bool allowZero) => (value, _) =>
    {
        if (value is null) return null;
        if (!TimeSpan.TryParse(value.Trim(), CultureInfo.InvariantCulture, out var span))
            return $"is '{value}'; expected a duration such as 00:10:00 (hh:mm:ss).";
        return span < TimeSpan.Zero || (!allowZero && span == TimeSpan.Zero) ? $"is '{value}'; expected a positive duration." : null;
    };

    public static string? MemorySize(string? value, IConfiguration _) =>
        value is null || (Domain.Common.ByteSize.TryParse(value, out var bytes) && bytes >= Domain.Common.ByteSize.MiB)
            ? null
            : $"is '{value}'; expected a memory size of at least 1 MiB such as 12GiB or 512MiB.";

    public static string? ExistingFileIfSet(string? value, IConfiguration _) =>
        string.IsNullOrWhiteSpace(value) || File.Exists(value.Trim()) ? null : $"is '{value}', which is not an existing file.";

    /// <summary>Any value will do (a password); the setting is listed so it is known, documented and shown masked.</summary>
    public static string? NoRule(string? value, IConfiguration _) => null;

    /// <summary>A secret that stands for an account: long enough that guessing it is hopeless.</summary>
    public static string? ScrapeToken(string? value, IConfiguration _) =>
        value is null || value.Trim().Length >= 24 && !value.Any(char.IsWhiteSpace)
            ? null
            : "must be at least 24 characters without spaces (e.g. `openssl rand -hex 32`), or absent (then only admins read /metrics).";

    public static string? NonEmpty(string? value, IConfiguration _) =>
        value is not null && string.IsNullOrWhiteSpace(value) ? "is empty; give a value or remove the key to use the default." : null;

    public static string? FolderPath(string? value, IConfiguration _)
    {
        if (value is null) return null;
        if (string.IsNullOrWhiteSpace(value)) return "is empty; give a folder or remove the key to use the default.";
        string full;
        try { full = Path.GetFullPath(value); }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            return $"is '{value}', which is not a valid path ({e.Message}).";
        }
        return File.Exists(full) ? $"is '{value}', which is a file; expected a folder." : null;
    }

    /// <summary>An explicitly configured plugins folder must exist: a mistyped path would otherwise start a server with no architectures.</summary>
    public static string? ExistingFolderIfSet(string? value, IConfiguration configuration)
    {
        if (string.IsNullOrWhiteSpace(value)) return null;
        if (FolderPath(value, configuration) is { } error) return error;
        return Directory.Exists(Path.GetFullPath(value)) ? null : $"is '{value}', which does not exist ({Path.GetFullPath(value)}).";
    }

    public static Func<string?, IConfiguration, string?> ConnectionString(string requiredWhenKey, params string[] requiredWhenValues) => (value, configuration) =>
    {
        var selector = configuration[requiredWhenKey]?.Trim();
        var required = selector is not null && requiredWhenValues.Contains(selector, StringComparer.OrdinalIgnoreCase);
        if (string.IsNullOrWhiteSpace(value))
            return required ? $"is required when '{requiredWhenKey}' is '{selector}'." : null;
        try
        {
            _ = new DbConnectionStringBuilder { ConnectionString = value };
            return null;
        }
        catch (ArgumentException)
        {
            // The value is a secret: the message names the key, never echoes it.
            return "is not a valid connection string (expected key=value pairs separated by ';').";
        }
    };

    public static string? HttpUrl(string? value, IConfiguration _) =>
        value is null || (Uri.TryCreate(value.Trim(), UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https")
            ? null
            : $"is '{value}'; expected an absolute http:// or https:// URL.";

    public static string? NodeName(string? value, IConfiguration _) =>
        value is null || (value.Trim().Length > 0 && !value.Contains('/'))
            ? null
            : $"is '{value}'; a node name must be non-empty and cannot contain '/' (slot keys are node/device:index).";

    public static string? Device(string? value, IConfiguration configuration)
    {
        if (OneOf("cpu", "cuda")(value, configuration) is { } error) return error;
        if (value is not null && value.Trim().Equals("cuda", StringComparison.OrdinalIgnoreCase) && !TorchSharp.torch.cuda.is_available())
            return "is 'cuda', but no CUDA device is visible to this process; use cpu here or run on a GPU node.";
        return null;
    }

    public static string? DifferentPort(string? value, IConfiguration configuration)
    {
        if (WholeNumber(1, 65535)(value, configuration) is { } error) return error;
        var silo = configuration["Cluster:SiloPort"]?.Trim() ?? "11111";
        return value is not null && value.Trim() == silo ? $"is {value}, the same as 'Cluster:SiloPort'; the two ports must differ." : null;
    }

    /// <summary>
    /// The interface the Orleans ports listen on and advertise: an address of this machine that the other nodes can reach,
    /// so neither "any" (0.0.0.0, ::) nor absent when several nodes must find each other (adonet clustering).
    /// </summary>
    public static string? ListenAddress(string? value, IConfiguration configuration)
    {
        var clustering = configuration["Cluster:Clustering"]?.Trim();
        if (string.IsNullOrWhiteSpace(value))
            return string.Equals(clustering, "adonet", StringComparison.OrdinalIgnoreCase)
                ? "is required when 'Cluster:Clustering' is 'adonet': the address of this node that the others reach it on (e.g. its private-network address)."
                : null;
        if (!System.Net.IPAddress.TryParse(value.Trim(), out var address))
            return $"is '{value}'; expected an IP address such as 127.0.0.1 or 10.0.0.5.";
        return address.Equals(System.Net.IPAddress.Any) || address.Equals(System.Net.IPAddress.IPv6Any)
            ? $"is '{value}'; the silo advertises this address to the other nodes, so give one of this machine's addresses, not 'any'."
            : null;
    }

    /// <summary>The cluster certificate: a PKCS#12 file that the configured password opens and that holds its private key.</summary>
    public static string? ClusterCertificate(string? value, IConfiguration configuration)
    {
        if (string.IsNullOrWhiteSpace(value)) return null;
        var path = Path.GetFullPath(value.Trim());
        if (!File.Exists(path)) return $"is '{value}', which does not exist ({path}).";
        try
        {
            using var certificate = System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadPkcs12FromFile(path, configuration["Cluster:Tls:Password"]);
            return certificate.HasPrivateKey ? null : $"is '{value}', a certificate without its private key; a node must prove it holds the key.";
        }
        catch (System.Security.Cryptography.CryptographicException e)
        {
            // Never echo the password: say what is wrong with the file.
            return $"is '{value}', which is not a PKCS#12 (.pfx) file that 'Cluster:Tls:Password' opens ({e.Message}).";
        }
    }
}
