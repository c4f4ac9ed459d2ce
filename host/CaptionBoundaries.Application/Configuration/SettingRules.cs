using System.Data.Common;
using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace CaptionBoundaries.Application.Configuration;

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
        value is null || (Infrastructure.ByteSize.TryParse(value, out var bytes) && bytes >= Infrastructure.ByteSize.MiB)
            ? null
            : $"is '{value}'; expected a memory size of at least 1 MiB such as 12GiB or 512MiB.";

    public static string? ExistingFileIfSet(string? value, IConfiguration _) =>
        string.IsNullOrWhiteSpace(value) || File.Exists(value.Trim()) ? null : $"is '{value}', which is not an existing file.";

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
}
