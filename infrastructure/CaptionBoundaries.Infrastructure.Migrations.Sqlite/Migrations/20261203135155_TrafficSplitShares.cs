using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CaptionBoundaries.Infrastructure.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class TrafficSplitShares : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "PreviousSharePercent",
                table: "ModelChanges",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "SharePercent",
                table: "ModelChanges",
                type: "INTEGER",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "PreviousSharePercent",
                table: "ModelChanges");

            migrationBuilder.DropColumn(
                name: "SharePercent",
                table: "ModelChanges");
        }
    }
}
