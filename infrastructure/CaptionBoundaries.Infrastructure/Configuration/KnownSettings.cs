using static CaptionBoundaries.Infrastructure.Configuration.SettingRules;

namespace CaptionBoundaries.Infrastructure.Configuration;

/// <summary>
/// Every setting the platform reads, in one place: start-up validation, the console's configuration page and the
/// README table all come from this list. A key under one of <see cref="Sections"/> that is not listed here is a
/// typo and stops start-up.
/// </summary>
public static class KnownSettings
{
    public static readonly IReadOnlyList<string> Sections = ["CaptionBoundaries", "Database", "Cluster", "Scheduling", "Training", "Registry", "Webhooks", "Ui", "Security", "Limits", "Metrics"];

    public static readonly IReadOnlyList<SettingDefinition> All =
    [
        new("CaptionBoundaries:DataFolder", "data", "SQLite database, datasets, experiments, registry store", FolderPath),
        new("CaptionBoundaries:PluginsFolder", "<app>/plugins", "One subfolder per plugin assembly", ExistingFolderIfSet),
        new("CaptionBoundaries:DatasetVersions:GarbageGracePeriod", "00:10:00", "Unreferenced blobs younger than this are kept by dataset gc", Duration(allowZero: true)),
        new("Database:Provider", "sqlite", "Tracking database: sqlite, postgres or sqlserver", OneOf("sqlite", "postgres", "sqlserver")),
        new("Database:ConnectionString", "<data folder>/caption-boundaries.db", "Required for postgres and sqlserver",
            ConnectionString("Database:Provider", "postgres", "sqlserver"), Secret: true),
        new("Cluster:Clustering", "localhost", "localhost (one node) or adonet (membership in the database)", OneOf("localhost", "adonet")),
        new("Cluster:AdoNetInvariant", "Npgsql", "ADO.NET provider of the membership table", OneOf("Npgsql", "Microsoft.Data.SqlClient")),
        new("Cluster:AdoNetConnectionString", "", "Membership database; required for adonet clustering",
            ConnectionString("Cluster:Clustering", "adonet"), Secret: true),
        new("Cluster:ClusterId", "caption-boundaries", "Nodes with the same id join one cluster", NonEmpty),
        new("Cluster:NodeName", "<machine name>", "This node's name in slot keys", NodeName),
        new("Cluster:Slots", "1", "Worker slots (concurrent runs) on this node", WholeNumber(1, 64)),
        new("Cluster:Device", "cpu", "Device of this node's slots: cpu or cuda", Device),
        new("Cluster:ListenAddress", "127.0.0.1 (localhost clustering)", "Interface the Orleans ports listen on and advertise; required for adonet",
            ListenAddress),
        new("Cluster:SiloPort", "11111", "Orleans silo-to-silo port", WholeNumber(1, 65535)),
        new("Cluster:GatewayPort", "(none)", "Orleans client gateway port; no gateway unless set (nothing in CaptionBoundaries needs one)", DifferentPort),
        new("Cluster:Tls:CertificatePath", "(none)", "PKCS#12 cluster certificate: silo-to-silo TLS, each node presents it and accepts only peers that do",
            ClusterCertificate),
        new("Cluster:Tls:Password", "(none)", "Password of the cluster certificate file", NoRule, Secret: true),
        new("Cluster:ProbeTimeout", "00:00:05", "A silo probe unanswered this long counts as missed", Duration(allowZero: false)),
        new("Cluster:MissedProbesLimit", "3", "Missed probes before a silo is suspected (then declared dead by votes)", WholeNumber(1, 20)),
        new("Scheduling:DefaultUserSlotQuota", "<all slots>", "Worker slots one user's runs may hold at once", WholeNumber(1, 10_000)),
        new("Scheduling:UserQuotas", "(none)", "Scheduling:UserQuotas:<user> = that user's slot quota (quotas set at run time win)",
            WholeNumber(1, 10_000)) { IsList = true },
        new("Scheduling:UsageHalfLife", "06:00:00", "Fair share forgets past slot usage with this half-life", Duration(allowZero: false)),
        new("Training:MaxRunMemory", "<half of physical memory>", "Largest estimated peak memory of one run (e.g. 12GiB); bigger runs are refused, and a worker that outgrows it is killed",
            MemorySize),
        new("Training:Isolation", "process", "process (each run in its own worker process, supervised by its slot) or inprocess (on the server's thread pool)",
            OneOf("process", "inprocess")),
        new("Training:WorkerCommand", "<this host>", "The caption-boundaries executable or .dll that worker processes run; needed when the host is embedded (test runners), else runs train in-process",
            ExistingFileIfSet),
        new("Training:ProgressTimeout", "00:10:00", "A worker that reports no step or epoch for this long is killed and its run recorded Failed", Duration(allowZero: false)),
        new("Training:StopGracePeriod", "00:00:30", "How long a stopped (cancelled, pre-empted) worker may take to finish before it is killed", Duration(allowZero: true)),
        new("Registry:Webhooks", "(none)", "URLs that receive every registry change as a JSON POST", HttpUrl) { IsList = true },
        new("Webhooks:MaxAttempts", "8", "Attempts per webhook delivery before it is dead-lettered", WholeNumber(1, 100)),
        new("Webhooks:BaseDelay", "00:00:05", "Wait after a failed delivery attempt, doubled after each further failure", Duration(allowZero: false)),
        new("Webhooks:MaxDelay", "00:10:00", "Longest wait between two delivery attempts", Duration(allowZero: false)),
        new("Webhooks:AttemptTimeout", "00:00:10", "A receiver that has not answered within this fails the attempt", Duration(allowZero: false)),
        new("Security:RateLimitPerMinute", "600", "API requests per account (or address) per minute; beyond it 429", WholeNumber(1, 1_000_000)),
        new("Security:PredictionsPerMinute", "120000", "Predictions per account per minute (serving's own limit)", WholeNumber(1, 100_000_000)),
        new("Security:MaxUploadMegabytes", "512", "Largest request body (checkpoint and plugin uploads)", WholeNumber(1, 100_000)),
        new("Limits:MaxJsonBodyKilobytes", "1024", "Largest JSON body of an API request (uploads: Security:MaxUploadMegabytes)", WholeNumber(1, 1_000_000)),
        new("Limits:ExpensiveReadsConcurrency", "2", "Grad-CAM explanations and benchmarks computed at once on a node", WholeNumber(1, 64)),
        new("Limits:ExpensiveReadsQueue", "8", "Explanations and benchmarks waiting; beyond it 503 + Retry-After", WholeNumber(0, 10_000)),
        new("Limits:ExpensiveReadsCacheEntries", "64", "Explanation results kept in memory for repeated requests", WholeNumber(1, 100_000)),
        new("Limits:MaxPredictSamples", "64", "Samples in one prediction request (batch form, Open Inference Protocol)", WholeNumber(1, 4096)),
        new("Limits:MaxPredictBodyMegabytes", "32", "Largest prediction request body (images travel in it)", WholeNumber(1, 1024)),
        new("Security:SessionRevalidationInterval", "00:01:00", "A disabled or re-roled account's console sessions (cookie, live pages) end within this",
            Duration(allowZero: false)),
        new("Serving:GrpcPort", "(none)", "Port of the Open Inference Protocol's gRPC endpoint (plain-text HTTP/2 on the --urls interfaces); off unless set",
            DifferentPort),
        new("Ui:RefreshInterval", "00:00:01", "Fallback refresh of live console pages", Duration(allowZero: false)),
        new("Metrics:ScrapeToken", "(none: admins only)", "Bearer token a Prometheus server sends to read /metrics (at least 24 characters)",
            ScrapeToken, Secret: true),
    ];
}
