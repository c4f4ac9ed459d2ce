namespace CaptionBoundaries.Bench.Load;

/// <summary>Which serving API `bench load` drives.</summary>
public enum LoadProtocol
{
    /// <summary><c>POST /api/models/{model}/predict</c> with the project's JSON (images as base64 strings).</summary>
    Rest,

    /// <summary><c>POST /v2/models/{model}/infer</c>: the Open Inference Protocol (KServe v2) with BYTES tensors as base64 strings.</summary>
    V2,
}

public static class LoadProtocols
{
    public static readonly IReadOnlyList<string> Names = ["rest", "v2"];

    public static LoadProtocol Parse(string name) => name switch
    {
        "rest" => LoadProtocol.Rest,
        "v2" => LoadProtocol.V2,
        _ => throw new ArgumentException($"--protocol must be one of {string.Join(", ", Names)}, got '{name}'."),
    };

    public static string Name(this LoadProtocol protocol) => protocol == LoadProtocol.V2 ? "v2" : "rest";

    /// <summary>The URL a node answers this protocol's predictions on.</summary>
    public static Uri Endpoint(this LoadProtocol protocol, Uri node, string model)
    {
        var root = node.AbsolutePath.TrimEnd('/');
        var escaped = Uri.EscapeDataString(model);
        return new Uri(node, protocol == LoadProtocol.V2 ? $"{root}/v2/models/{escaped}/infer" : $"{root}/api/models/{escaped}/predict");
    }
}
