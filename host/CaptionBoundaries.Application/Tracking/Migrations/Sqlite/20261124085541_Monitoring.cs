using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CaptionBoundaries.Application.Tracking.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Monitoring : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "DriftAlerts",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    ModelName = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Version = table.Column<int>(type: "INTEGER", nullable: false),
                    Metric = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    Value = table.Column<double>(type: "REAL", nullable: false),
                    Threshold = table.Column<double>(type: "REAL", nullable: false),
                    Message = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: false),
                    OpenedAtUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    LastSeenAtUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    ResolvedAtUtc = table.Column<DateTime>(type: "TEXT", nullable: true),
                    AcknowledgedBy = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    Occurrences = table.Column<int>(type: "INTEGER", nullable: false),
                    CleanStreak = table.Column<int>(type: "INTEGER", nullable: false),
                    EvaluationId = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DriftAlerts", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "DriftEvaluations",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    ModelName = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Version = table.Column<int>(type: "INTEGER", nullable: false),
                    AtUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    WindowCount = table.Column<int>(type: "INTEGER", nullable: false),
                    FirstPredictionId = table.Column<long>(type: "INTEGER", nullable: false),
                    LastPredictionId = table.Column<long>(type: "INTEGER", nullable: false),
                    ConfidencePsi = table.Column<double>(type: "REAL", nullable: false),
                    PsiBins = table.Column<int>(type: "INTEGER", nullable: false),
                    ClassJs = table.Column<double>(type: "REAL", nullable: false),
                    ClassChi2 = table.Column<double>(type: "REAL", nullable: false),
                    ClassChi2P = table.Column<double>(type: "REAL", nullable: false),
                    ClassCountsJson = table.Column<string>(type: "TEXT", nullable: false),
                    InputKsJson = table.Column<string>(type: "TEXT", nullable: false),
                    Breaches = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: false),
                    MeanConfidence = table.Column<double>(type: "REAL", nullable: false),
                    MeanLatencyMs = table.Column<double>(type: "REAL", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DriftEvaluations", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "ModelReferences",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    ModelName = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Version = table.Column<int>(type: "INTEGER", nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    Note = table.Column<string>(type: "TEXT", nullable: true),
                    DatasetFolder = table.Column<string>(type: "TEXT", nullable: true),
                    DatasetIdentity = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    Split = table.Column<string>(type: "TEXT", maxLength: 10, nullable: true),
                    SampleCount = table.Column<int>(type: "INTEGER", nullable: false),
                    ProfileJson = table.Column<string>(type: "TEXT", nullable: true),
                    UpdatedAtUtc = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ModelReferences", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "MonitoringSettings",
                columns: table => new
                {
                    ModelName = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    WindowSize = table.Column<int>(type: "INTEGER", nullable: false),
                    EvaluateEvery = table.Column<int>(type: "INTEGER", nullable: false),
                    MinWindow = table.Column<int>(type: "INTEGER", nullable: false),
                    PsiBins = table.Column<int>(type: "INTEGER", nullable: false),
                    PsiThreshold = table.Column<double>(type: "REAL", nullable: false),
                    ClassJsThreshold = table.Column<double>(type: "REAL", nullable: false),
                    ClassChi2Alpha = table.Column<double>(type: "REAL", nullable: false),
                    InputKsAlpha = table.Column<double>(type: "REAL", nullable: false),
                    ResolveAfterCleanWindows = table.Column<int>(type: "INTEGER", nullable: false),
                    UpdatedBy = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    UpdatedAtUtc = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_MonitoringSettings", x => x.ModelName);
                });

            migrationBuilder.CreateTable(
                name: "PredictionLog",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    ModelName = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Version = table.Column<int>(type: "INTEGER", nullable: false),
                    PredictedClass = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    Confidence = table.Column<double>(type: "REAL", nullable: false),
                    LatencyMs = table.Column<double>(type: "REAL", nullable: false),
                    AtUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    Frame1Brightness = table.Column<double>(type: "REAL", nullable: false),
                    Frame1Contrast = table.Column<double>(type: "REAL", nullable: false),
                    Frame2Brightness = table.Column<double>(type: "REAL", nullable: false),
                    Frame2Contrast = table.Column<double>(type: "REAL", nullable: false),
                    FrameDifference = table.Column<double>(type: "REAL", nullable: false),
                    OcrInk = table.Column<double>(type: "REAL", nullable: false),
                    CaptionBandContrast = table.Column<double>(type: "REAL", nullable: false),
                    SpatialMean = table.Column<double>(type: "REAL", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_PredictionLog", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_DriftAlerts_ModelName_Version_Metric_Status",
                table: "DriftAlerts",
                columns: new[] { "ModelName", "Version", "Metric", "Status" });

            migrationBuilder.CreateIndex(
                name: "IX_DriftAlerts_OpenedAtUtc",
                table: "DriftAlerts",
                column: "OpenedAtUtc");

            migrationBuilder.CreateIndex(
                name: "IX_DriftEvaluations_ModelName_Version_Id",
                table: "DriftEvaluations",
                columns: new[] { "ModelName", "Version", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_ModelReferences_ModelName_Version",
                table: "ModelReferences",
                columns: new[] { "ModelName", "Version" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_PredictionLog_AtUtc",
                table: "PredictionLog",
                column: "AtUtc");

            migrationBuilder.CreateIndex(
                name: "IX_PredictionLog_ModelName_Version_Id",
                table: "PredictionLog",
                columns: new[] { "ModelName", "Version", "Id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "DriftAlerts");

            migrationBuilder.DropTable(
                name: "DriftEvaluations");

            migrationBuilder.DropTable(
                name: "ModelReferences");

            migrationBuilder.DropTable(
                name: "MonitoringSettings");

            migrationBuilder.DropTable(
                name: "PredictionLog");
        }
    }
}
