using CaptionBoundaries.Domain.Tracking;
namespace CaptionBoundaries.Infrastructure.Tracking;

/// <summary>Configuration section "Database".</summary>
public sealed class DatabaseOptions
{
    public const string Section = "Database";

    /// <summary>sqlite (default, a file in the data folder), postgres or sqlserver.</summary>
    public string Provider { get; set; } = "sqlite";

    /// <summary>Empty for sqlite means <c>Data Source={data folder}/caption-boundaries.db</c>.</summary>
    public string ConnectionString { get; set; } = "";
}
