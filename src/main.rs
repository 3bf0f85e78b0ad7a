fn main() {
    std::process::exit(nbgate::cli::run());
}
