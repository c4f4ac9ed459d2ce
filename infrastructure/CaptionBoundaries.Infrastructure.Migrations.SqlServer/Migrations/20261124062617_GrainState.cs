using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CaptionBoundaries.Infrastructure.Migrations.SqlServer
{
    /// <inheritdoc />
    public partial class GrainState : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "GrainStates",
                columns: table => new
                {
                    GrainType = table.Column<string>(type: "nvarchar(100)", maxLength: 100, nullable: false),
                    GrainId = table.Column<string>(type: "nvarchar(300)", maxLength: 300, nullable: false),
                    ETag = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: false),
                    StateJson = table.Column<string>(type: "nvarchar(max)", nullable: false),
                    UpdatedAtUtc = table.Column<DateTime>(type: "datetime2", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_GrainStates", x => new { x.GrainType, x.GrainId });
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "GrainStates");
        }
    }
}
