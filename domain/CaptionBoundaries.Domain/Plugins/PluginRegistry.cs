using System.Diagnostics.CodeAnalysis;
using CaptionBoundaries.Contracts;
using McMaster.NETCore.Plugins;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace CaptionBoundaries.Domain.Plugins;

/// <summary>
/// The architectures, embedders and augmentations found in the plugins folder. A broken plugin never stops
/// the others: each problem is recorded in <see cref="Errors"/>. With <see cref="PluginRegistryOptions.WatchForChanges"/>,
/// plugins dropped in, replaced or removed while running are picked up without a restart.
/// Reads are lock-free on an immutable snapshot; changes build a new snapshot and swap it in.
/// </summary>
public sealed class PluginRegistry : IDisposable
{
    // Without sharing these, the plugin would get its own copy of the contracts and TorchSharp, its types would
    // not be the host's IModelArchitecture, and its tensors could not be passed to the host's TorchSharp.
    private static readonly Type[] SharedTypes = [typeof(IModelArchitecture), typeof(TorchSharp.torch)];

    private readonly PluginRegistryOptions _options;
    private readonly ILogger _logger;
    private readonly object _gate = new();
    private readonly SortedDictionary<string, LoadedPluginUnit> _units = new(StringComparer.Ordinal);
    private readonly List<PluginLoadError> _folderErrors = [];
    private volatile PluginSnapshot _snapshot = PluginSnapshot.Empty;
    private FileSystemWatcher? _watcher;
    private Timer? _debounce;
    private bool _disposed;

    public PluginRegistry(PluginRegistryOptions options, ILogger<PluginRegistry>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.PluginsFolder))
            throw new ArgumentException("PluginsFolder must be set.", nameof(options));
        _options = options;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <summary>Raised (on a background thread when watching) after the registered plugins or the errors changed.</summary>
    public event EventHandler? Changed;

    public string PluginsFolder => _options.PluginsFolder;

    public IReadOnlyList<ArchitectureEntry> Architectures => [.. _snapshot.Architectures.Values];

    public IReadOnlyList<EmbedderEntry> Embedders => [.. _snapshot.Embedders.Values];

    public IReadOnlyList<AugmentationEntry> Augmentations => [.. _snapshot.Augmentations.Values];

    public IReadOnlyList<PluginLoadError> Errors => _snapshot.Errors;

    /// <summary>
    /// (Re)loads every plugin in the folder, then starts watching it when enabled. Never throws for a bad
    /// plugin; see <see cref="Errors"/>.
    /// </summary>
    public void LoadAll()
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            foreach (var unit in _units.Values) unit.Dispose();
            _units.Clear();
            Rescan();
            StartWatching();
            Publish();
        }
        RaiseChanged();
    }

    public IModelArchitecture GetArchitecture(string name) => GetArchitectureEntry(name).Architecture;

    public IEmbedder GetEmbedder(string name) => GetEmbedderEntry(name).Embedder;

    public IAugmentationStrategy GetAugmentation(string name) => GetAugmentationEntry(name).Augmentation;

    public ArchitectureEntry GetArchitectureEntry(string name) => Get(_snapshot, s => s.Architectures, PluginKind.Architecture, name);

    public EmbedderEntry GetEmbedderEntry(string name) => Get(_snapshot, s => s.Embedders, PluginKind.Embedder, name);

    public AugmentationEntry GetAugmentationEntry(string name) => Get(_snapshot, s => s.Augmentations, PluginKind.Augmentation, name);

    public bool TryGetArchitecture(string name, [NotNullWhen(true)] out IModelArchitecture? architecture)
    {
        architecture = _snapshot.Architectures.GetValueOrDefault(name)?.Architecture;
        return architecture is not null;
    }

    public bool TryGetEmbedder(string name, [NotNullWhen(true)] out IEmbedder? embedder)
    {
        embedder = _snapshot.Embedders.GetValueOrDefault(name)?.Embedder;
        return embedder is not null;
    }

    public bool TryGetAugmentation(string name, [NotNullWhen(true)] out IAugmentationStrategy? augmentation)
    {
        augmentation = _snapshot.Augmentations.GetValueOrDefault(name)?.Augmentation;
        return augmentation is not null;
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
            _watcher?.Dispose();
            _debounce?.Dispose();
            foreach (var unit in _units.Values) unit.Dispose();
            _units.Clear();
            _snapshot = PluginSnapshot.Empty;
        }
    }

    private static TEntry Get<TEntry>(
        PluginSnapshot snapshot,
        Func<PluginSnapshot, IReadOnlyDictionary<string, TEntry>> entries,
        PluginKind kind,
        string name)
    {
        // One snapshot for both the lookup and the message, so the listed names are the ones that were searched.
        return entries(snapshot).TryGetValue(name, out var entry)
            ? entry
            : throw new UnknownPluginException(kind, name, snapshot.NamesOf(kind));
    }

    /// <summary>Loads new plugins, drops removed ones and reloads any whose files changed without a hot reload. Caller holds the lock.</summary>
    private void Rescan()
    {
        _folderErrors.Clear();
        if (!Directory.Exists(_options.PluginsFolder))
        {
            _folderErrors.Add(new PluginLoadError(_options.PluginsFolder,
                $"Plugins folder '{_options.PluginsFolder}' does not exist; no plugins are loaded."));
            foreach (var unit in _units.Values) unit.Dispose();
            _units.Clear();
            return;
        }

        IReadOnlyList<PluginUnitOnDisk> onDisk;
        try
        {
            onDisk = PluginFolderLayout.Read(_options.PluginsFolder);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _folderErrors.Add(new PluginLoadError(_options.PluginsFolder,
                $"Plugins folder '{_options.PluginsFolder}' could not be read: {e.Message}"));
            return;
        }

        var present = onDisk.Select(u => u.Key).ToHashSet(StringComparer.Ordinal);
        foreach (var gone in _units.Keys.Where(k => !present.Contains(k)).ToList())
        {
            _logger.LogInformation("Plugin {Plugin} was removed; unloading it.", gone);
            _units[gone].Dispose();
            _units.Remove(gone);
        }

        foreach (var disk in onDisk)
        {
            if (_units.TryGetValue(disk.Key, out var existing))
            {
                // Unchanged, or already re-registered by the loader's own hot reload.
                if (existing.LoadedFingerprint == disk.Fingerprint) continue;
                existing.Dispose();
            }
            _units[disk.Key] = Load(disk);
        }
    }

    private LoadedPluginUnit Load(PluginUnitOnDisk disk)
    {
        var errors = new List<PluginLoadError>();
        var assemblies = new List<LoadedPluginAssembly>();
        if (disk.Assemblies.Count == 0)
        {
            errors.Add(new PluginLoadError(disk.Key, $"Plugin folder '{disk.Key}' contains no plugin assembly (.dll)."));
        }

        var unit = new LoadedPluginUnit(disk, assemblies, errors);
        foreach (var file in disk.Assemblies)
        {
            PluginLoader? loader = null;
            try
            {
                loader = PluginLoader.CreateFromAssemblyFile(
                    file,
                    isUnloadable: true,
                    sharedTypes: SharedTypes,
                    configure: c =>
                    {
                        c.EnableHotReload = _options.WatchForChanges;
                        c.ReloadDelay = _options.ChangeDebounce / 2;
                        // Read into memory so the file is never locked and can be replaced while loaded.
                        c.LoadInMemory = true;
                    });
            }
            catch (Exception e)
            {
                errors.Add(new PluginLoadError(file, $"Plugin '{file}' could not be opened: {PluginAssemblyScanner.Describe(e)}"));
                continue;
            }

            var assembly = new LoadedPluginAssembly(file, loader);
            assembly.Scan();
            assemblies.Add(assembly);
            if (_options.WatchForChanges)
            {
                loader.Reloaded += (_, _) => OnHotReloaded(unit, assembly);
            }
            LogFound(assembly);
        }
        return unit;
    }

    /// <summary>The loader already swapped in a fresh context for a rewritten DLL; re-register what it now holds.</summary>
    private void OnHotReloaded(LoadedPluginUnit unit, LoadedPluginAssembly assembly)
    {
        try
        {
            lock (_gate)
            {
                if (_disposed || !_units.TryGetValue(unit.Key, out var current) || !ReferenceEquals(current, unit)) return;
                _logger.LogInformation("Plugin {File} changed on disk; re-registering it.", assembly.File);
                assembly.Scan();
                LogFound(assembly);
                // Re-stamp so the folder rescan that follows the same file events does not reload it a second time.
                unit.Disk = new PluginUnitOnDisk(unit.Key, unit.Disk.Name, unit.Disk.Assemblies);
                unit.LoadedFingerprint = unit.Disk.Fingerprint;
                Publish();
            }
            RaiseChanged();
        }
        catch (Exception e)
        {
            // This runs on the loader's timer thread, where an exception would vanish unobserved.
            _logger.LogError(e, "Re-registering plugin {File} after a hot reload failed.", assembly.File);
        }
    }

    private void LogFound(LoadedPluginAssembly assembly)
    {
        foreach (var found in assembly.Found)
        {
            _logger.LogInformation("Plugin {File}: found {Kind} '{Name}' ({Type}).", assembly.File, found.Kind.Singular(), found.Name, found.TypeName);
        }
    }

    private void StartWatching()
    {
        if (!_options.WatchForChanges || _watcher is not null || !Directory.Exists(_options.PluginsFolder)) return;
        _debounce = new Timer(_ => OnFolderSettled());
        _watcher = new FileSystemWatcher(_options.PluginsFolder)
        {
            IncludeSubdirectories = true,
            NotifyFilter = NotifyFilters.FileName | NotifyFilters.DirectoryName | NotifyFilters.LastWrite | NotifyFilters.Size,
        };
        FileSystemEventHandler onEvent = (_, _) => ScheduleRescan();
        _watcher.Created += onEvent;
        _watcher.Changed += onEvent;
        _watcher.Deleted += onEvent;
        _watcher.Renamed += (_, _) => ScheduleRescan();
        _watcher.Error += (_, e) =>
        {
            // Events were lost (e.g. buffer overflow): a rescan finds whatever they would have told us.
            _logger.LogWarning(e.GetException(), "Watching plugins folder {Folder} lost events; rescanning.", _options.PluginsFolder);
            ScheduleRescan();
        };
        _watcher.EnableRaisingEvents = true;
    }

    /// <summary>Restarts the quiet-time countdown; each new event postpones the rescan until the copy is done.</summary>
    private void ScheduleRescan()
    {
        try
        {
            _debounce?.Change(_options.ChangeDebounce, Timeout.InfiniteTimeSpan);
        }
        catch (ObjectDisposedException)
        {
            // An event that raced with Dispose; an exception here would crash the watcher's thread.
        }
    }

    private void OnFolderSettled()
    {
        try
        {
            bool changed;
            lock (_gate)
            {
                if (_disposed) return;
                var before = _snapshot;
                Rescan();
                Publish();
                changed = !SameContent(before, _snapshot);
            }
            if (changed) RaiseChanged();
        }
        catch (Exception e)
        {
            _logger.LogError(e, "Rescanning plugins folder {Folder} failed.", _options.PluginsFolder);
        }
    }

    /// <summary>Builds and swaps in a new snapshot, logging only errors that are new since the last one. Caller holds the lock.</summary>
    private void Publish()
    {
        var previous = _snapshot;
        var next = PluginSnapshot.Build(_units.Values, _folderErrors);
        var known = previous.Errors.ToHashSet();
        foreach (var error in next.Errors.Where(e => !known.Contains(e)))
        {
            _logger.LogError("Plugin load error in {File}: {Message}", error.File, error.Message);
        }
        _snapshot = next;
    }

    private static bool SameContent(PluginSnapshot a, PluginSnapshot b) =>
        a.Architectures.Values.SequenceEqual(b.Architectures.Values)
        && a.Embedders.Values.SequenceEqual(b.Embedders.Values)
        && a.Augmentations.Values.SequenceEqual(b.Augmentations.Values)
        && a.Errors.SequenceEqual(b.Errors);

    private void RaiseChanged()
    {
        try
        {
            Changed?.Invoke(this, EventArgs.Empty);
        }
        catch (Exception e)
        {
            // A faulty subscriber must not break the watcher thread or the next subscriber's view of the registry.
            _logger.LogError(e, "A PluginRegistry.Changed handler threw.");
        }
    }
}
