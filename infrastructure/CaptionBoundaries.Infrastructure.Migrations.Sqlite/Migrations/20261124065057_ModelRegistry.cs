using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CaptionBoundaries.Infrastructure.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class ModelRegistry : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "ModelChanges",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    ModelName = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    Version = table.Column<int>(type: "INTEGER", nullable: false),
                    PreviousVersion = table.Column<int>(type: "INTEGER", nullable: true),
                    Alias = table.Column<string>(type: "TEXT", maxLength: 50, nullable: true),
                    Actor = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Reason = table.Column<string>(type: "TEXT", nullable: false),
                    AtUtc = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ModelChanges", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "ModelVersions",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    ModelName = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Version = table.Column<int>(type: "INTEGER", nullable: false),
                    ModelType = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Source = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    ExperimentId = table.Column<Guid>(type: "TEXT", nullable: true),
                    CheckpointPath = table.Column<string>(type: "TEXT", nullable: false),
                    CheckpointSha256 = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    InferenceConfigJson = table.Column<string>(type: "TEXT", nullable: false),
                    ValMacroF1 = table.Column<double>(type: "REAL", nullable: true),
                    CreatedBy = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    CreatedAtUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    Archived = table.Column<bool>(type: "INTEGER", nullable: false),
                    ArchivedAtUtc = table.Column<DateTime>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ModelVersions", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_ModelChanges_ModelName_AtUtc",
                table: "ModelChanges",
                columns: new[] { "ModelName", "AtUtc" });

            migrationBuilder.CreateIndex(
                name: "IX_ModelVersions_ExperimentId",
                table: "ModelVersions",
                column: "ExperimentId");

            migrationBuilder.CreateIndex(
                name: "IX_ModelVersions_ModelName_Version",
                table: "ModelVersions",
                columns: new[] { "ModelName", "Version" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ModelChanges");

            migrationBuilder.DropTable(
                name: "ModelVersions");
        }
    }
}
