using System.Data.Common;

namespace CaptionBoundaries.Infrastructure.Configuration;

/// <summary>Makes a secret setting safe to show: passwords in connection strings become ***, the rest stays readable.</summary>
public static class SecretRedactor
{
    private static readonly string[] SecretParts = ["password", "pwd", "user password", "token", "secret", "key", "accountkey"];

    public const string Mask = "***";

    public static string RedactConnectionString(string value)
    {
        if (string.IsNullOrWhiteSpace(value)) return value;
        DbConnectionStringBuilder builder;
        try { builder = new DbConnectionStringBuilder { ConnectionString = value }; }
        catch (ArgumentException) { return Mask; }
        foreach (var key in builder.Keys.Cast<string>().ToList())
            if (SecretParts.Contains(key.Trim().ToLowerInvariant()))
                builder[key] = Mask;
        return builder.ConnectionString;
    }

    /// <summary>Webhook URLs often carry a token in their user info or query string (chat bots, deploy hooks).</summary>
    public static string RedactUrl(string value)
    {
        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri)) return value;
        var builder = new UriBuilder(uri);
        if (!string.IsNullOrEmpty(builder.UserName) || !string.IsNullOrEmpty(builder.Password))
        {
            builder.UserName = Mask;
            builder.Password = "";
        }
        if (!string.IsNullOrEmpty(builder.Query)) builder.Query = "?" + Mask;
        return builder.Uri.GetComponents(UriComponents.AbsoluteUri, UriFormat.Unescaped);
    }
}
