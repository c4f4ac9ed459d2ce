using System.IO.Compression;
using System.Text.RegularExpressions;
using CaptionBoundaries.Domain.Common;
using CaptionBoundaries.Domain.Errors;
using Microsoft.Extensions.Logging.Abstractions;

namespace CaptionBoundaries.Domain.Plugins;

/// <summary>
/// Installs an uploaded plugin (one DLL, or a zip of a plugin folder with its dependencies) only after it proved itself:
/// unpacked into a staging folder beside the plugins folder (never inside it, where the watcher would load it), loaded
/// there by a registry of its own, refused with the reason when it does not load, implements nothing, or brings a
/// name another plugin already registers; then moved in as one folder, where the running registry picks it up.
/// </summary>
public sealed partial class PluginInstaller(PluginRegistry registry, CaptionBoundariesOptions options)
{
    public sealed record Installed(string Plugin, IReadOnlyList<string> Architectures, IReadOnlyList<string> Embedders, IReadOnlyList<string> Augmentations);

    public async Task<Installed> InstallAsync(string pluginName, string fileName, Stream content, long maxBytes, bool replace, CancellationToken ct)
    {
        if (!PluginNamePattern().IsMatch(pluginName))
            throw DomainException.Invalid($"Plugin name '{pluginName}' must be letters, digits, '.', '_' or '-' (it becomes a folder name).");
        var extension = Path.GetExtension(fileName).ToLowerInvariant();
        if (extension is not (".dll" or ".zip"))
            throw DomainException.Invalid($"'{fileName}' is neither a .dll nor a .zip of a plugin folder.");
        var target = Path.Combine(registry.PluginsFolder, pluginName);
        if (Directory.Exists(target) && !replace)
            throw DomainException.Invalid($"A plugin named '{pluginName}' is installed; upload with replace to swap it.");

        var staging = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(registry.PluginsFolder).TrimEnd(Path.DirectorySeparatorChar))!,
            ".plugin-staging", Guid.NewGuid().ToString("N"));
        var staged = Path.Combine(staging, pluginName);
        Directory.CreateDirectory(staged);
        try
        {
            var upload = Path.Combine(staging, "upload" + extension);
            await Common.UploadStaging.CopyLimitedAsync(content, upload, maxBytes, ct);
            if (extension == ".dll") File.Move(upload, Path.Combine(staged, pluginName + ".dll"));
            else Unzip(upload, staged, maxBytes * 4);
            if (File.Exists(upload)) File.Delete(upload);

            var found = Validate(staging, target);
            MoveIn(staged, target, pluginName);
            await WaitUntilLoaded(found, ct);
            return found;
        }
        finally
        {
            if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
        }
    }

    private void MoveIn(string staged, string target, string pluginName)
    {
        if (Directory.Exists(target))
        {
            var backups = Path.Combine(options.ResolvedDataFolder, "plugin-backups");
            Directory.CreateDirectory(backups);
            Directory.Move(target, Path.Combine(backups, $"{pluginName}-{DateTime.UtcNow:yyyyMMddHHmmssfff}"));
        }
        Directory.Move(staged, target);
    }

    /// <summary>Loads the staged plugin alone; what it registers must be new (or its own, when replacing).</summary>
    private Installed Validate(string stagingRoot, string target)
    {
        using var trial = new PluginRegistry(new PluginRegistryOptions { PluginsFolder = stagingRoot, WatchForChanges = false }, NullLogger<PluginRegistry>.Instance);
        trial.LoadAll();
        if (trial.Errors.Count > 0)
            throw DomainException.Invalid("The plugin does not load: " + string.Join("; ", trial.Errors.Select(e => $"{Path.GetFileName(e.File)}: {e.Message}")));
        var installed = new Installed(Path.GetFileName(target),
            trial.Architectures.Select(a => a.Name).ToList(), trial.Embedders.Select(e => e.Name).ToList(), trial.Augmentations.Select(a => a.Name).ToList());
        if (installed.Architectures.Count + installed.Embedders.Count + installed.Augmentations.Count == 0)
            throw DomainException.Invalid("The plugin implements no architecture, embedder or augmentation.");

        bool Foreign(string file) => !Path.GetFullPath(file).StartsWith(Path.GetFullPath(target) + Path.DirectorySeparatorChar, StringComparison.Ordinal);
        var clashes = installed.Architectures.Where(n => registry.Architectures.Any(a => a.Name == n && Foreign(a.PluginFile)))
            .Concat(installed.Embedders.Where(n => registry.Embedders.Any(e => e.Name == n && Foreign(e.PluginFile))))
            .Concat(installed.Augmentations.Where(n => registry.Augmentations.Any(a => a.Name == n && Foreign(a.PluginFile))))
            .ToList();
        if (clashes.Count > 0)
            throw DomainException.Invalid($"Another installed plugin already registers: {string.Join(", ", clashes)}.");
        return installed;
    }

    private async Task WaitUntilLoaded(Installed installed, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (DateTime.UtcNow < deadline && !installed.Architectures.All(n => registry.TryGetArchitecture(n, out _)))
            await Task.Delay(100, ct);
    }

    /// <summary>Unpacks a zip, refusing entries that would land outside the folder ("zip slip") and archives that expand too far.</summary>
    private static void Unzip(string zip, string folder, long maxExpandedBytes)
    {
        ZipArchive archive;
        try { archive = ZipFile.OpenRead(zip); }
        catch (InvalidDataException e) { throw DomainException.Invalid($"The upload is not a valid zip: {e.Message}"); }
        using (archive)
        {
            var root = Path.GetFullPath(folder) + Path.DirectorySeparatorChar;
            long total = 0;
            foreach (var entry in archive.Entries)
            {
                var destination = Path.GetFullPath(Path.Combine(folder, entry.FullName));
                if (!destination.StartsWith(root, StringComparison.Ordinal))
                    throw DomainException.Invalid($"Zip entry '{entry.FullName}' points outside the plugin folder.");
                if (entry.FullName.EndsWith('/')) { Directory.CreateDirectory(destination); continue; }
                total += entry.Length;
                if (total > maxExpandedBytes) throw new UploadTooLargeException("The zip expands beyond the size allowed for a plugin.");
                Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
                entry.ExtractToFile(destination);
            }
        }
    }

    [GeneratedRegex("^[A-Za-z0-9._-]{1,100}$")]
    private static partial Regex PluginNamePattern();
}

/// <summary>An upload over its size limit (HTTP 413).</summary>
public sealed class UploadTooLargeException(string message) : Exception(message);
