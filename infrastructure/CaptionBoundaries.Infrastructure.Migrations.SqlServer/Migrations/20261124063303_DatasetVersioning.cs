using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CaptionBoundaries.Infrastructure.Migrations.SqlServer
{
    /// <inheritdoc />
    public partial class DatasetVersioning : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "Datasets",
                columns: table => new
                {
                    Name = table.Column<string>(type: "nvarchar(100)", maxLength: 100, nullable: false),
                    CreatedAtUtc = table.Column<DateTime>(type: "datetime2", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Datasets", x => x.Name);
                });

            migrationBuilder.CreateTable(
                name: "DatasetVersions",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    DatasetName = table.Column<string>(type: "nvarchar(100)", maxLength: 100, nullable: false),
                    Number = table.Column<int>(type: "int", nullable: false),
                    ManifestBlob = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: false),
                    SourceManifestBlob = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: false),
                    ContentIdentity = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: false),
                    CreatedAtUtc = table.Column<DateTime>(type: "datetime2", nullable: false),
                    ParentVersionId = table.Column<Guid>(type: "uniqueidentifier", nullable: true),
                    Message = table.Column<string>(type: "nvarchar(2000)", maxLength: 2000, nullable: true),
                    SourceFolder = table.Column<string>(type: "nvarchar(1000)", maxLength: 1000, nullable: false),
                    SampleCount = table.Column<int>(type: "int", nullable: false),
                    ClassCountsJson = table.Column<string>(type: "nvarchar(max)", nullable: false),
                    NewBlobCount = table.Column<int>(type: "int", nullable: false),
                    BlobCount = table.Column<int>(type: "int", nullable: false),
                    TotalBytes = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DatasetVersions", x => x.Id);
                    table.ForeignKey(
                        name: "FK_DatasetVersions_DatasetVersions_ParentVersionId",
                        column: x => x.ParentVersionId,
                        principalTable: "DatasetVersions",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_DatasetVersions_Datasets_DatasetName",
                        column: x => x.DatasetName,
                        principalTable: "Datasets",
                        principalColumn: "Name",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "DatasetVersionBlobs",
                columns: table => new
                {
                    VersionId = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    BlobSha = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: false),
                    Bytes = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DatasetVersionBlobs", x => new { x.VersionId, x.BlobSha });
                    table.ForeignKey(
                        name: "FK_DatasetVersionBlobs_DatasetVersions_VersionId",
                        column: x => x.VersionId,
                        principalTable: "DatasetVersions",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_DatasetVersionBlobs_BlobSha",
                table: "DatasetVersionBlobs",
                column: "BlobSha");

            migrationBuilder.CreateIndex(
                name: "IX_DatasetVersions_ContentIdentity",
                table: "DatasetVersions",
                column: "ContentIdentity");

            migrationBuilder.CreateIndex(
                name: "IX_DatasetVersions_DatasetName_Number",
                table: "DatasetVersions",
                columns: new[] { "DatasetName", "Number" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_DatasetVersions_ParentVersionId",
                table: "DatasetVersions",
                column: "ParentVersionId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "DatasetVersionBlobs");

            migrationBuilder.DropTable(
                name: "DatasetVersions");

            migrationBuilder.DropTable(
                name: "Datasets");
        }
    }
}
